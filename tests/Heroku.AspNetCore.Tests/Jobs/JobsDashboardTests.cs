using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Heroku.AspNetCore.Tests.Jobs;

/// <summary>The jobs dashboard at /jobs: behind JOBS_PASSWORD outside Development, absent without one.</summary>
public sealed class JobsDashboardTests(PostgresServer postgres)
{
    private const string Password = "dashboard-pa55word-0123456789-abcdef";

    private static async Task<HttpClient> StartAsync(string databaseUrl, string environment, string? password)
    {
        var app = JobsApps.Create(databaseUrl, environment, TestSettings.Jobs(password));
        app.MapHerokuJobsDashboard();
        return await TestApps.StartAsync(app);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    [Fact]
    public async Task Outside_development_without_a_password_there_is_no_dashboard()
    {
        using var client = await StartAsync(TestSettings.NoDatabaseUrl, TestApps.Environment, password: null);

        var response = await client.GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-password")]
    public async Task Without_the_password_the_dashboard_asks_for_it(string? given)
    {
        // A database for the key ring, which the dashboard's antiforgery tokens use.
        var url = await postgres.CreateDatabaseAsync($"dashboard_asks_{(given is null ? "none" : "wrong")}");
        await (await JobsApps.MigratedAsync(url)).DisposeAsync();
        using var client = await StartAsync(url, TestApps.Environment, Password);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/jobs");
        if (given is not null)
        {
            request.Headers.Authorization = Basic("operator", given);
        }

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic realm=\"Jobs\", charset=\"UTF-8\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task With_the_password_and_any_user_name_the_dashboard_shows_the_queue()
    {
        var url = await postgres.CreateDatabaseAsync("dashboard");
        await (await JobsApps.MigratedAsync(url)).DisposeAsync();
        using var client = await StartAsync(url, TestApps.Environment, Password);
        client.DefaultRequestHeaders.Authorization = Basic("anyone", Password);

        var response = await client.GetAsync("/jobs/jobs/failed");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1 id=\"page-title\" class=\"page-header\">Failed Jobs</h1>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_command_posted_without_the_antiforgery_token_is_refused_even_with_the_password()
    {
        var url = await postgres.CreateDatabaseAsync("dashboard_forgery");
        await (await JobsApps.MigratedAsync(url)).DisposeAsync();
        using var client = await StartAsync(url, TestApps.Environment, Password);
        client.DefaultRequestHeaders.Authorization = Basic("anyone", Password);

        // What a page elsewhere could make the operator's browser post, with the credentials it remembers.
        var response = await client.PostAsync("/jobs/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", "guestbook-cleanup")]));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task In_development_the_dashboard_is_open_without_a_password()
    {
        var url = await postgres.CreateDatabaseAsync("dashboard_development");
        await (await JobsApps.MigratedAsync(url)).DisposeAsync();
        using var client = await StartAsync(url, "Development", password: null);

        var response = await client.GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_alone_may_use_inline_styles_which_its_pages_and_charts_need()
    {
        var url = await postgres.CreateDatabaseAsync("dashboard_styles");
        await (await JobsApps.MigratedAsync(url)).DisposeAsync();
        var app = JobsApps.Create(url, "Development");
        app.UseHeroku();
        app.MapHerokuJobsDashboard();
        app.MapGet("/page", () => Results.Content("<p>A page of the app's</p>", "text/html"));
        using var client = await TestApps.StartAsync(app);

        var dashboard = (await client.GetAsync("/jobs")).Headers.GetValues("Content-Security-Policy").Single();
        var elsewhere = (await client.GetAsync("/page")).Headers.GetValues("Content-Security-Policy").Single();

        Assert.Contains("style-src 'self' 'unsafe-inline';", dashboard, StringComparison.Ordinal);
        Assert.Matches("script-src 'self' 'nonce-[^']+';", dashboard);
        Assert.Matches("style-src 'self' 'nonce-[^']+';", elsewhere);
        Assert.DoesNotContain("unsafe-inline", elsewhere, StringComparison.Ordinal);
    }
}
