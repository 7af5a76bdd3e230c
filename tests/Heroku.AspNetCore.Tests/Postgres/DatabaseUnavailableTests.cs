using System.Net;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Heroku.AspNetCore.Tests.Postgres;

/// <summary>A database that is down is an outage, not a bug: the visitor gets the 503 page, not a 500.</summary>
public sealed class DatabaseUnavailableTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_transient_database_failure_gets_the_503_error_page_with_a_retry_after()
    {
        // What Npgsql throws when the server does not answer in time: transient.
        await using var app = App(TestSettings.NoDatabaseUrl, string () => throw new NpgsqlException("down", new TimeoutException()));
        using var client = await TestApps.StartAsync(app);

        using var response = await client.GetAsync("/guestbook");

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("10", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Equal("error page: 503 for /guestbook", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_password_the_server_refuses_gets_the_503_page_and_one_log_line_without_the_password()
    {
        // The tests' own server requires passwords (scram-sha-256), as Heroku Postgres does.
        var url = await postgres.CreateDatabaseAsync("wrong_password");
        var (user, password) = (TestUrls.ToConnectionString(url).Username, TestUrls.ToConnectionString(url).Password!);
        var wrongUrl = new UriBuilder(url) { Password = "wrong-password-1234" }.Uri.ToString();
        var logs = new ListLoggerProvider();
        await using var app = App(wrongUrl, (TestDbContext db) => db.DataProtectionKeys.CountAsync(), logs);
        using var client = await TestApps.StartAsync(app);

        using var response = await client.GetAsync("/guestbook");

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("10", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Equal("error page: 503 for /guestbook", await response.Content.ReadAsStringAsync());
        var line = Assert.Single(logs.Lines, line => line.Level >= LogLevel.Error).Text;
        Assert.Contains("refused the user name or password in DATABASE_URL", line);
        Assert.Contains($"password authentication failed for user \"{user}\"", line);
        Assert.All(logs.Lines, entry =>
        {
            Assert.DoesNotContain("wrong-password-1234", entry.Text);
            Assert.DoesNotContain(password, entry.Text);
        });
    }

    // Credentials refused, no such database, too many connections, a server starting or shutting down, a connection refused.
    [Theory]
    [InlineData(PostgresErrorCodes.InvalidPassword)]
    [InlineData(PostgresErrorCodes.InvalidAuthorizationSpecification)]
    [InlineData(PostgresErrorCodes.InvalidCatalogName)]
    [InlineData(PostgresErrorCodes.TooManyConnections)]
    [InlineData(PostgresErrorCodes.CannotConnectNow)]
    [InlineData(PostgresErrorCodes.AdminShutdown)]
    [InlineData(PostgresErrorCodes.ConnectionFailure)]
    [InlineData(PostgresErrorCodes.SqlServerRejectedEstablishmentOfSqlConnection)]
    public async Task What_the_operator_must_fix_or_wait_for_gets_the_503_page(string sqlState)
    {
        await using var app = App(TestSettings.NoDatabaseUrl, string () => throw new PostgresException("refused", "FATAL", "FATAL", sqlState));
        using var client = await TestApps.StartAsync(app);

        using var response = await client.GetAsync("/guestbook");

        Assert.Equal(503, (int)response.StatusCode);
    }

    // Tables and columns that migrations make, SQL, constraints and grants are the code's to get right.
    [Theory]
    [InlineData(PostgresErrorCodes.UndefinedTable)]
    [InlineData(PostgresErrorCodes.UndefinedColumn)]
    [InlineData(PostgresErrorCodes.SyntaxError)]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.InsufficientPrivilege)]
    public async Task A_bug_in_a_query_stays_a_500(string sqlState)
    {
        await using var app = App(TestSettings.NoDatabaseUrl, string () => throw new PostgresException("bug", "ERROR", "ERROR", sqlState));
        using var client = await TestApps.StartAsync(app);

        using var response = await client.GetAsync("/guestbook");

        Assert.Equal(500, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("Retry-After"));
    }

    // The developer exception page lists each frame an exception passed through; this middleware, with its
    // source, would be the one a newcomer reads first, above the page that failed.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_DEBUG_the_exception_page_shows_no_frame_of_the_database_middleware(bool afterAnAwait)
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku(debug: true));
        builder.AddHerokuPostgres<TestDbContext>(TestSettings.Database(TestSettings.NoDatabaseUrl));
        await using var app = builder.Build();
        app.UseHeroku();
        app.MapGet("/page", afterAnAwait ? FailsAfterAnAwaitAsync : Fails);
        using var client = await TestApps.StartAsync(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/page");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Contains("The page failed.", html);
        // The page's list of frames, and the raw stack trace below it.
        var frames = string.Join('\n', Regex.Matches(html, "<h3>(.*?)</h3>|<pre class=\"rawExceptionStackTrace\">(.*?)</pre>", RegexOptions.Singleline)
            .Select(match => WebUtility.HtmlDecode(match.Value)));
        Assert.Contains(afterAnAwait ? nameof(FailsAfterAnAwaitAsync) : nameof(Fails), frames);
        Assert.DoesNotContain("Heroku.AspNetCore.DatabaseUnavailable", frames);
    }

    private static string Fails() => throw new InvalidOperationException("The page failed.");

    private static async Task<string> FailsAfterAnAwaitAsync()
    {
        await Task.Yield();
        throw new InvalidOperationException("The page failed.");
    }

    // An app on the database with the error page, whose /guestbook is the handler given.
    private static WebApplication App(string databaseUrl, Delegate guestbook, ListLoggerProvider? logs = null)
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku());
        builder.AddHerokuPostgres<TestDbContext>(TestSettings.Database(databaseUrl));
        if (logs is not null)
        {
            builder.Logging.ClearProviders().AddProvider(logs);
        }
        var app = builder.Build();
        app.UseHeroku();
        // The app's error page, which UseHeroku re-executes for every error status.
        app.MapGet("/Error", (HttpContext context) =>
            $"error page: {context.Response.StatusCode} for {context.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath}");
        app.MapGet("/guestbook", guestbook);
        return app;
    }
}
