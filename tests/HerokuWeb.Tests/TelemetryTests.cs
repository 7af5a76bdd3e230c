using System.Net;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// The database app published as Heroku's buildpack publishes it, its web and worker processes run from the Procfile
/// with OTEL_EXPORTER_OTLP_ENDPOINT naming a real OTLP/HTTP receiver on this machine (<see cref="OtlpReceiver"/>), as a
/// Fir telemetry drain or an add-on's endpoint would be named: what a developer sees of a slow request.
/// </summary>
public sealed class TelemetryTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Web_and_worker_export_a_request_with_its_request_id_a_guestbook_query_a_job_in_its_requests_trace_metrics_and_logs()
    {
        await using var receiver = OtlpReceiver.Start();
        await using var smtp = await SmtpServer.StartAsync(SmtpTls.None);
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        var vars = ConfigVars.Production(await postgres.CreateDatabaseAsync("telemetry"));
        vars["EMAIL_URL"] = $"smtp://127.0.0.1:{smtp.Port}";
        vars["CONTACT_EMAIL"] = "owner@example.com";
        vars["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint;
        vars["HEROKU_APP_NAME"] = "my-app";
        vars["HEROKU_RELEASE_VERSION"] = "v7";
        (await app.RunProcfileAsync("release", vars)).EnsureSuccess();
        var requestId = Guid.NewGuid().ToString("N");

        await using (var web = await app.StartWebAsync(new Dictionary<string, string>(vars) { ["DYNO"] = "web.1" }))
        await using (var worker = await app.StartWorkerAsync(new Dictionary<string, string>(vars) { ["DYNO"] = "worker.1" }))
        {
            using var client = web.CreateClient(new CookieContainer());
            using var home = new HttpRequestMessage(HttpMethod.Get, "/");
            home.Headers.Add("X-Request-ID", requestId);
            (await client.SendAsync(home)).EnsureSuccessStatusCode();
            (await client.GetAsync("/Guestbook")).EnsureSuccessStatusCode();
            var token = Html.AntiforgeryToken(await client.GetStringAsync("/Contact"));
            Assert.Equal(HttpStatusCode.Redirect, (await client.PostAsync("/Contact", Html.Form(token, ("Input.Name", "Ada"), ("Input.Message", "Traced?")))).StatusCode);
            await WaitUntilAsync(() => smtp.Received.Count == 1, "the email to be sent", web, worker);

            // The check below, that telemetry off loads none of it, sees an assembly once loaded.
            Assert.Contains("OpenTelemetry.Exporter.OpenTelemetryProtocol.dll", web.MappedFiles, StringComparison.Ordinal);

            // SIGTERM, as every deploy sends: each process sends what it holds before it exits.
            Assert.Equal(0, await worker.StopAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, await web.StopAsync(TimeSpan.FromSeconds(30)));
        }

        var spans = receiver.Spans.ToList();
        var request = Assert.Single(spans, span => Path(span) == "/" && span.Attributes.GetValueOrDefault("heroku.request_id") as string == requestId);
        Assert.Equal(("my-app", "v7", "web.1", "heroku"),
            (request.Resource["service.name"], request.Resource["service.version"], request.Resource["service.instance.id"], request.Resource["cloud.provider"]));

        var guestbook = Assert.Single(spans, span => Path(span) == "/Guestbook");
        Assert.Contains(spans, span => span.Scope == "Npgsql" && span.TraceId == guestbook.TraceId && span.ParentSpanId == guestbook.SpanId);

        var contact = Assert.Single(spans, span => Path(span) == "/Contact" && span.Attributes.GetValueOrDefault("http.request.method") as string == "POST");
        var perform = Assert.Single(spans, span => span.Name == "perform ContactMailer.SendAsync");
        var email = Assert.Single(spans, span => span.Name == "email send");
        Assert.Equal((contact.TraceId, "worker.1"), (perform.TraceId, perform.Resource["service.instance.id"]));
        Assert.Equal((perform.TraceId, perform.SpanId), (email.TraceId, email.ParentSpanId));

        Assert.Contains(receiver.Metrics, metric => metric.Name == "http.server.request.duration" && metric.Resource.GetValueOrDefault("service.instance.id") as string == "web.1");
        Assert.Contains(receiver.Metrics, metric => metric.Scope == "Npgsql" && metric.Resource.GetValueOrDefault("service.instance.id") as string == "worker.1");
        Assert.Contains(receiver.Logs, log => log.Body.StartsWith("worker: started", StringComparison.Ordinal) && log.Resource.GetValueOrDefault("service.instance.id") as string == "worker.1");
        Assert.Contains(receiver.Logs, log => log.Resource.GetValueOrDefault("service.instance.id") as string == "web.1");
    }

    [Fact]
    public async Task Without_an_endpoint_web_and_worker_load_none_of_OpenTelemetry_so_nothing_connects_for_it()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        var vars = ConfigVars.Production(await postgres.CreateDatabaseAsync("telemetry_off"));
        vars["EMAIL_URL"] = "consolemail://";
        vars["CONTACT_EMAIL"] = "owner@example.com";
        (await app.RunProcfileAsync("release", vars)).EnsureSuccess();

        await using var web = await app.StartWebAsync(vars);
        await using var worker = await app.StartWorkerAsync(vars);
        using var client = web.CreateClient(new CookieContainer());
        (await client.GetAsync("/Guestbook")).EnsureSuccessStatusCode();
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/Contact"));
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostAsync("/Contact", Html.Form(token, ("Input.Name", "Ada"), ("Input.Message", "Untraced")))).StatusCode);
        await WaitUntilAsync(() => worker.Output.Contains("Email written here, not sent", StringComparison.Ordinal), "the job to run", web, worker);

        // Every page, the database, a job and an email ran: no exporter, no listener, not even their assemblies.
        Assert.DoesNotContain("OpenTelemetry", web.MappedFiles, StringComparison.Ordinal);
        Assert.DoesNotContain("OpenTelemetry", worker.MappedFiles, StringComparison.Ordinal);
    }

    private static string? Path(OtlpSpan span) => span.Attributes.GetValueOrDefault("url.path") as string;

    private static Task WaitUntilAsync(Func<bool> condition, string what, params AppProcess[] processes) =>
        AppProcess.WaitUntilAsync(condition, what, Patience, processes);
}
