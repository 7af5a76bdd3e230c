using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>The published database app behind Heroku's router: what it tells browsers, whom it refuses, and how it fails.</summary>
public sealed partial class HardeningTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    private const string VisitorAddress = "203.0.113.10";

    [Theory]
    [InlineData("/")]
    [InlineData("/Guestbook")]
    public async Task Pages_score_the_http_observatorys_top_grade(string path)
    {
        await using var web = await StartMigratedAsync("observatory");
        using var client = web.CreateClient();

        var response = await client.SendAsync(PublicRequest(HttpMethod.Get, path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = AllHeaders(response);
        var (score, results) = Observatory.Grade(headers);
        Assert.True(score >= Observatory.TopGrade, $"Score {score}: {string.Join(", ", results)}");
        Assert.Contains("csp-implemented-with-no-unsafe-default-src-none", results);
        Assert.Contains("x-frame-options-implemented-via-csp", results);
        Assert.Contains("frame-ancestors 'none'", headers["Content-Security-Policy"].Single());
        Assert.Equal("max-age=31536000", headers["Strict-Transport-Security"].Single());
        Assert.NotEmpty(headers["Permissions-Policy"]);
        Assert.Empty(headers["Server"]);
    }

    [Fact]
    public async Task Static_files_keep_their_caching_headers_and_get_the_security_headers_that_apply_to_a_file()
    {
        await using var web = await StartMigratedAsync("assets");
        using var client = web.CreateClient();
        var page = await client.SendAsync(PublicRequest(HttpMethod.Get, "/"));
        var stylesheet = BundleUrl().Match(await page.Content.ReadAsStringAsync()).Value;

        var response = await client.SendAsync(PublicRequest(HttpMethod.Get, stylesheet));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString());
        var headers = AllHeaders(response);
        Assert.Equal("nosniff", headers["X-Content-Type-Options"].Single());
        Assert.Equal("strict-origin-when-cross-origin", headers["Referrer-Policy"].Single());
        Assert.Equal("max-age=31536000", headers["Strict-Transport-Security"].Single());
        Assert.Empty(headers["Server"]);
        // A stylesheet is no document: a policy for framing, scripts or device features has nothing to govern
        // in it (as whitenoise's files get Django's SecurityMiddleware headers only). The page has them.
        foreach (var pageOnly in new[] { "Content-Security-Policy", "X-Frame-Options", "Permissions-Policy", "Cross-Origin-Opener-Policy" })
        {
            Assert.Empty(headers[pageOnly]);
            Assert.NotEmpty(AllHeaders(page)[pageOnly]);
        }
    }

    [Fact]
    public async Task Cookies_set_over_https_are_secure_httponly_and_samesite()
    {
        await using var web = await StartMigratedAsync("cookies");
        using var client = web.CreateClient();

        var response = await client.SendAsync(PublicRequest(HttpMethod.Get, "/Guestbook"));

        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie =>
        {
            var attributes = cookie.ToLowerInvariant();
            Assert.Contains("; secure", attributes);
            Assert.Contains("; httponly", attributes);
            Assert.Matches("; samesite=(strict|lax)", attributes);
        });
        Assert.Equal("cookies-secure-with-httponly-sessions-and-samesite", Observatory.Cookies(cookies, hstsPasses: true));
    }

    [Fact]
    public async Task Requests_without_a_host_are_refused_when_ALLOWED_HOSTS_names_hosts()
    {
        await using var web = await StartMigratedAsync("no_host");
        using var connection = await RawHttpConnection.OpenAsync(web.Port);

        await connection.SendAsync($"GET /healthz HTTP/1.0\r\nX-Forwarded-Proto: https\r\n\r\n");

        Assert.Equal(400, (await connection.ReadResponseAsync(TimeSpan.FromSeconds(10)))?.StatusCode);
    }

    [Fact]
    public async Task Requests_without_a_host_are_served_when_ALLOWED_HOSTS_is_a_wildcard()
    {
        var vars = ConfigVars.Production(await postgres.CreateDatabaseAsync("any_host"));
        vars["ALLOWED_HOSTS"] = "*";
        await using var web = await (await AppAsync()).ReleaseAndStartWebAsync(vars);
        using var connection = await RawHttpConnection.OpenAsync(web.Port);

        await connection.SendAsync($"GET /healthz HTTP/1.0\r\nX-Forwarded-Proto: https\r\n\r\n");

        Assert.Equal(200, (await connection.ReadResponseAsync(TimeSpan.FromSeconds(10)))?.StatusCode);
    }

    [Fact]
    public async Task Trace_and_hosts_outside_ALLOWED_HOSTS_are_refused_with_the_security_headers()
    {
        await using var web = await StartMigratedAsync("refused");
        using var client = web.CreateClient();
        using var wrongHost = new HttpRequestMessage(HttpMethod.Get, "/");
        wrongHost.Headers.Host = "evil.example";

        // A Razor page renders itself for any method it has no handler for: TRACE would get the home page.
        var trace = await client.SendAsync(PublicRequest(HttpMethod.Trace, "/"));
        var refused = await client.SendAsync(wrongHost);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, trace.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.All(new[] { trace, refused }, response =>
        {
            var headers = AllHeaders(response);
            Assert.Contains("frame-ancestors 'none'", headers["Content-Security-Policy"].Single());
            Assert.Equal("nosniff", headers["X-Content-Type-Options"].Single());
            Assert.Equal("strict-origin-when-cross-origin", headers["Referrer-Policy"].Single());
            Assert.Equal("max-age=31536000", headers["Strict-Transport-Security"].Single());
        });
    }

    [Fact]
    public async Task Readiness_is_503_until_the_release_phase_has_migrated_while_liveness_stays_ok()
    {
        var app = await AppAsync();
        var vars = ConfigVars.Production(await postgres.CreateDatabaseAsync("pending"));
        await using var web = await app.StartWebAsync(vars);
        using var client = web.CreateClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        (await app.RunProcfileAsync("release", vars)).EnsureSuccess();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Guestbook_posts_are_limited_per_forwarded_client_address_with_429_and_retry_after()
    {
        await using var web = await StartMigratedAsync("rate_limit");
        using var client = web.CreateClient(new CookieContainer());
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/Guestbook"));
        HttpRequestMessage Post(string? forwardedFor = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/Guestbook")
            {
                Content = Html.Form(token, ("Input.Name", "Flood"), ("Input.Message", "Again")),
            };
            if (forwardedFor is not null)
            {
                // The router appends the address it saw to whatever the client sent.
                request.Headers.Remove("X-Forwarded-For");
                request.Headers.Add("X-Forwarded-For", $"{VisitorAddress}, {forwardedFor}");
            }
            return request;
        }

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            statuses.Add((await client.SendAsync(Post())).StatusCode);
        }
        var limited = await client.SendAsync(Post());
        var otherVisitor = await client.SendAsync(Post(forwardedFor: "198.51.100.7"));

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Redirect, 10), statuses.Take(10));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[10]);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.Zero && retryAfter <= TimeSpan.FromMinutes(1), $"Retry-After: {limited.Headers.RetryAfter}");
        Assert.Equal(HttpStatusCode.Redirect, otherVisitor.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Guestbook")).StatusCode);
    }

    [Fact]
    public async Task The_guestbook_lists_a_bounded_number_of_entries_read_through_an_index_on_their_date()
    {
        var database = await postgres.CreateDatabaseAsync("guestbook_index");
        await using var web = await StartMigratedAsync(database: database);
        var name = TestUrls.ToConnectionString(database).Database!;
        await postgres.ExecuteAsync(
            "INSERT INTO guestbook_entries (name, message, created_at) SELECT 'Visitor ' || i, 'Hello', now() - i * interval '1 minute' FROM generate_series(1, 50) AS i",
            name);
        using var client = web.CreateClient();

        var page = await client.GetStringAsync("/Guestbook");

        Assert.Equal(20, EntryItem().Matches(page).Count);
        Assert.Contains("Visitor 1<", page);
        Assert.DoesNotContain("Visitor 21<", page);
        var index = await postgres.QueryScalarAsync<string>(database,
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'guestbook_entries' AND indexdef LIKE '%(created_at%'");
        Assert.NotNull(index);
    }

    [Fact]
    public async Task Requests_on_open_keep_alive_connections_right_after_sigterm_all_get_a_response()
    {
        const int connections = 50;
        await using var web = await StartMigratedAsync("keep_alive");
        var open = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => RawHttpConnection.OpenAsync(web.Port)));
        try
        {
            var request = $"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: {VisitorAddress}\r\n\r\n";
            foreach (var connection in open)
            {
                await connection.SendAsync(request);
                Assert.Equal(200, (await connection.ReadResponseAsync(TimeSpan.FromSeconds(10)))?.StatusCode);
            }

            var stopping = web.StopAsync(TimeSpan.FromSeconds(30));
            await web.WaitForOutputAsync("Application is shutting down");
            var responses = await Task.WhenAll(open.Select(async connection =>
            {
                await connection.SendAsync(request);
                return await connection.ReadResponseAsync(TimeSpan.FromSeconds(10));
            }));

            Assert.Equal(0, responses.Count(response => response is null));
            Assert.All(responses, response => Assert.Equal("close", response!.Headers["Connection"].Single(), ignoreCase: true));
            Assert.Equal(0, await stopping);
        }
        finally
        {
            foreach (var connection in open)
            {
                connection.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_hung_database_turns_into_503_within_the_routers_window_with_one_short_log_line_per_failure()
    {
        await using var server = await PostgresServer.StartThrowawayAsync();
        await using var web = await (await AppAsync()).ReleaseAndStartWebAsync(ConfigVars.Production(await server.CreateDatabaseAsync("hung")));
        using var client = web.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        // One connection in the pool, so one request waits on a query and the other on a new connection.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Guestbook")).StatusCode);
        var failuresBefore = FailLines(web.Output).Count;

        await server.PauseAsync();
        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(client.GetAsync("/Guestbook"), client.GetAsync("/Guestbook"));
        var elapsed = clock.Elapsed;
        await server.ResumeAsync();

        Assert.All(responses, response =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
        });
        // Heroku's router answers H12 at 30 s; the app must have answered before.
        Assert.True(elapsed < TimeSpan.FromSeconds(25), $"The requests took {elapsed.TotalSeconds:F1} s.");

        await web.WaitForOutputAsync("Npgsql");
        await Task.Delay(500); // the logger's queue
        var failures = FailLines(web.Output).Skip(failuresBefore).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, line =>
        {
            Assert.Contains("Npgsql.NpgsqlException: ", line);
            Assert.DoesNotContain(" at Npgsql.", line);
            Assert.True(Encoding.UTF8.GetByteCount(line) < 10_000);
        });
    }

    private Task<GeneratedApp> AppAsync() => apps.PublishedAsync(package, Scenario.Postgres);

    private async Task<AppProcess> StartMigratedAsync(string purpose = "hardening", string? database = null) =>
        await (await AppAsync()).ReleaseAndStartWebAsync(ConfigVars.Production(database ?? await postgres.CreateDatabaseAsync(purpose)));

    /// <summary>A request as the router forwards a visitor's HTTPS request for the app's public host name.</summary>
    private static HttpRequestMessage PublicRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Host = ConfigVars.PublicHost;
        return request;
    }

    private static ILookup<string, string> AllHeaders(HttpResponseMessage response) =>
        response.Headers.Concat(response.Content.Headers)
            .SelectMany(header => header.Value.Select(value => (header.Key, Value: value)))
            .ToLookup(header => header.Key, header => header.Value, StringComparer.OrdinalIgnoreCase);

    private static List<string> FailLines(string output) =>
        [.. output.Split('\n').Where(line => line.StartsWith("fail:", StringComparison.Ordinal))];

    [GeneratedRegex(@"/bundles/site\.[a-z0-9]+\.css")]
    private static partial Regex BundleUrl();

    [GeneratedRegex("""<li class="entry">""")]
    private static partial Regex EntryItem();
}
