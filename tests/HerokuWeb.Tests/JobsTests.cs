using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HerokuWeb.Tests;

/// <summary>
/// The database app's worker process, published as Heroku's buildpack publishes it and run from its Procfile against
/// real PostgreSQL and a real SMTP server: the contact form's email is a job that the worker sends, that survives a
/// worker stopped or killed, runs once however many workers there are, and waits, retrying and visible on /jobs,
/// while the mail server is down. One published app for all of them; each worker is another process started from
/// its publish directory.
/// </summary>
public sealed partial class JobsTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    private const string ContactEmail = "owner@example.com";
    private const string FromEmail = "noreply@example.com";
    private const string DashboardPassword = "jobs-dashboard-pa55word-0123456789abcdef";

    // Long enough for a loaded machine; a wait whose condition holds ends at once.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private static readonly AuthenticationHeaderValue Operator =
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"operator:{DashboardPassword}")));

    // The app deployed: its database migrated by the release phase, its email going to emailUrl.
    private async Task<(GeneratedApp App, Dictionary<string, string> Vars, string Database)> ReleasedAsync(
        string purpose, string emailUrl, params (string Name, string Value)[] more)
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        var database = await postgres.CreateDatabaseAsync(purpose);
        var vars = ConfigVars.Production(database);
        vars["EMAIL_URL"] = emailUrl;
        vars["CONTACT_EMAIL"] = ContactEmail;
        vars["DEFAULT_FROM_EMAIL"] = FromEmail;
        vars["JOBS_PASSWORD"] = DashboardPassword;
        foreach (var (name, value) in more)
        {
            vars[name] = value;
        }
        (await app.RunProcfileAsync("release", vars)).EnsureSuccess();
        return (app, vars, database);
    }

    private static async Task<string> ContactTokenAsync(HttpClient client) => Html.AntiforgeryToken(await client.GetStringAsync("/Contact"));

    private static Task<HttpResponseMessage> PostContactAsync(HttpClient client, string token, string name, string message) =>
        client.PostAsync("/Contact", Html.Form(token, ("Input.Name", name), ("Input.Message", message)));

    private static IEnumerable<string> Subjects(SmtpServer smtp) =>
        smtp.Received.Select(email => SubjectLine().Match(Encoding.UTF8.GetString(email.Data)).Groups[1].Value);

    [Fact]
    public async Task A_contact_post_redirects_at_once_and_the_worker_emails_it_to_the_contact_address()
    {
        await using var smtp = await SmtpServer.StartAsync(SmtpTls.None);
        var (app, vars, _) = await ReleasedAsync("jobs_contact", $"smtp://127.0.0.1:{smtp.Port}");
        await using var web = await app.StartWebAsync(vars);
        await using var worker = await app.StartWorkerAsync(vars);
        using var client = web.CreateClient(new CookieContainer());

        var post = await PostContactAsync(client, await ContactTokenAsync(client), "Ada", "Hello from the contact form");

        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Contains("Thanks, Ada: your message is on its way.", await client.GetStringAsync("/Contact"), StringComparison.Ordinal);
        await WaitUntilAsync(() => smtp.Received.Count == 1, "the email to arrive", worker);
        var email = Assert.Single(smtp.Received);
        Assert.Equal((FromEmail, ContactEmail), (email.From, Assert.Single(email.To)));
        Assert.Equal(["Contact: Ada"], Subjects(smtp));
        Assert.Contains("Hello from the contact form", Encoding.UTF8.GetString(email.Data), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_contact_post_while_no_worker_runs_waits_in_the_queue_and_is_emailed_once_a_worker_starts()
    {
        await using var smtp = await SmtpServer.StartAsync(SmtpTls.None);
        var (app, vars, database) = await ReleasedAsync("jobs_no_worker", $"smtp://127.0.0.1:{smtp.Port}");
        await using (var web = await app.StartWebAsync(vars))
        {
            using var client = web.CreateClient(new CookieContainer());
            Assert.Equal(HttpStatusCode.Redirect, (await PostContactAsync(client, await ContactTokenAsync(client), "Grace", "Anyone there?")).StatusCode);
            // Deploys restart the web process too: the message is in the database, not in it.
            Assert.Equal(0, await web.StopAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal("Enqueued", await postgres.QueryScalarAsync<string>(database, "SELECT statename FROM hangfire.job"));
        Assert.Empty(smtp.Received);

        await using var worker = await app.StartWorkerAsync(vars);
        await WaitUntilAsync(() => smtp.Received.Count == 1, "the email to arrive once a worker runs", worker);
        Assert.Equal(["Contact: Grace"], Subjects(smtp));
    }

    [Fact]
    public async Task A_worker_killed_in_the_middle_of_a_send_has_the_email_delivered_by_the_next_worker()
    {
        // The server takes the first message and never answers it; a send may wait ten minutes, so the first worker is
        // still in the middle of it when it is killed. Its hold on the job lapses 30 s after its last renewal.
        await using var smtp = await SmtpServer.StartAsync(SmtpTls.None, hold: 1);
        var (app, vars, _) = await ReleasedAsync("jobs_killed", $"smtp://127.0.0.1:{smtp.Port}?timeout=600", ("JOBS_VISIBILITY_TIMEOUT", "30"));
        await using (var web = await app.StartWebAsync(vars))
        {
            using var client = web.CreateClient(new CookieContainer());
            Assert.Equal(HttpStatusCode.Redirect, (await PostContactAsync(client, await ContactTokenAsync(client), "Linus", "Still there?")).StatusCode);
        }

        await using (var first = await app.StartWorkerAsync(vars))
        {
            await WaitUntilAsync(() => smtp.Held == 1, "the first worker to be in the middle of the send", first);
            // A crashed dyno, or Heroku's SIGKILL 30 s after a SIGTERM that was not heeded: nothing is handed back.
            await first.SignalAsync("KILL");
        }
        Assert.Empty(smtp.Received);

        await using var second = await app.StartWorkerAsync(vars);
        await WaitUntilAsync(() => smtp.Received.Count == 1, "the next worker to send the email", second);
        Assert.Equal(["Contact: Linus"], Subjects(smtp));
    }

    [Fact]
    public async Task Two_hundred_contact_posts_across_two_workers_are_each_emailed_exactly_once()
    {
        await using var smtp = await SmtpServer.StartAsync(SmtpTls.None);
        var (app, vars, database) = await ReleasedAsync("jobs_two_workers", $"smtp://127.0.0.1:{smtp.Port}", ("FORM_POSTS_PER_MINUTE", "100000"));
        await using var web = await app.StartWebAsync(vars);
        await using var first = await app.StartWorkerAsync(vars);
        await using var second = await app.StartWorkerAsync(vars);
        using var client = web.CreateClient(new CookieContainer());
        var token = await ContactTokenAsync(client);
        var names = Enumerable.Range(1, 200).Select(number => $"Visitor {number:000}").ToList();

        foreach (var name in names)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await PostContactAsync(client, token, name, "One of many")).StatusCode);
        }
        await WaitUntilAsync(() => smtp.Received.Count >= names.Count, "every email to arrive", first, second);
        // Every job done and gone from the queue: a job run twice would have sent its email by now.
        await WaitUntilAsync(() => Count(database, "SELECT count(*) FROM hangfire.jobqueue") == 0, "the queue to empty", first, second);

        Assert.Equal(names.Select(name => $"Contact: {name}"), Subjects(smtp).Order(StringComparer.Ordinal));
        Assert.Equal(200L, Count(database, "SELECT count(*) FROM hangfire.job WHERE statename = 'Succeeded'"));
        // Both workers took jobs: the queue was shared, not drained by one of them alone.
        Assert.Equal(2L, Count(database, "SELECT count(DISTINCT data->>'ServerId') FROM hangfire.state WHERE name = 'Processing'"));
    }

    [Fact]
    public async Task With_the_mail_server_down_the_email_waits_retrying_and_the_operator_sees_and_retries_it_on_jobs_with_the_password()
    {
        // Nothing listens there: every connection is refused.
        var port = Ports.Free();
        var (app, vars, database) = await ReleasedAsync("jobs_mail_down", $"smtp://127.0.0.1:{port}");
        await using var web = await app.StartWebAsync(vars);
        await using var worker = await app.StartWorkerAsync(vars);
        using var client = web.CreateClient(new CookieContainer());
        Assert.Equal(HttpStatusCode.Redirect, (await PostContactAsync(client, await ContactTokenAsync(client), "Ada", "Hello?")).StatusCode);

        await WaitUntilAsync(() => Text(database, "SELECT statename FROM hangfire.job") == "Scheduled", "the job to fail and wait for its retry", worker);
        var id = Count(database, "SELECT id FROM hangfire.job");
        var page = $"/jobs/jobs/details/{id}";

        using var anonymous = web.CreateClient();
        var refused = await anonymous.GetAsync(page);
        using var operatorClient = web.CreateClient();
        operatorClient.DefaultRequestHeaders.Authorization = Operator;
        var details = await operatorClient.GetStringAsync(page);
        var recurring = await operatorClient.GetStringAsync("/jobs/recurring");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("Retry attempt 1 of 10", details, StringComparison.Ordinal);
        Assert.Contains($"Email could not be sent through 127.0.0.1:{port} (EMAIL_URL): cannot connect", details, StringComparison.Ordinal);
        Assert.Contains("guestbook-cleanup", recurring, StringComparison.Ordinal);

        // In a browser, the dashboard's page, its styles and its script run within the app's Content Security Policy.
        await using var browser = await WatchedPage.OpenAsync(new Uri(web.BaseAddress, page).ToString(),
            headers: new Dictionary<string, string> { ["Authorization"] = Operator.ToString() });
        await browser.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Equal(200, browser.Response?.Status);
        // The operator retries it now: the button posts with the app's antiforgery token.
        var requeue = await browser.Page.RunAndWaitForResponseAsync(
            () => browser.Page.ClickAsync($"[data-ajax$=\"/actions/requeue/{id}\"]"),
            response => response.Url.Contains("/actions/requeue/", StringComparison.Ordinal));
        // Hangfire's answer to a command it carried out; a missing or wrong antiforgery token would be 403.
        Assert.Equal(204, requeue.Status);
        Assert.Equal(1L, Count(database, $"SELECT count(*) FROM hangfire.state WHERE jobid = {id} AND name = 'Enqueued' AND reason = 'Triggered via Dashboard UI'"));
        browser.AssertNoProblems();
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what, params AppProcess[] processes) =>
        AppProcess.WaitUntilAsync(condition, what, Patience, processes);

    private static long Count(string database, string sql) => Query(database, sql) is long count ? count : -1;

    private static string? Text(string database, string sql) => Query(database, sql) as string;

    private static object? Query(string database, string sql)
    {
        using var connection = new Npgsql.NpgsqlConnection(TestUrls.ToConnectionString(database).ConnectionString);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    [GeneratedRegex(@"^Subject: (.*?)\r?$", RegexOptions.Multiline)]
    private static partial Regex SubjectLine();
}
