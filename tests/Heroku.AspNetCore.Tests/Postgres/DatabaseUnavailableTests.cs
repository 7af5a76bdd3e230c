using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Heroku.AspNetCore.Tests.Postgres;

/// <summary>A database that is down is an outage, not a bug: the visitor gets the 503 page, not a 500.</summary>
public sealed class DatabaseUnavailableTests
{
    [Fact]
    public async Task A_transient_database_failure_gets_the_503_error_page_with_a_retry_after()
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku());
        builder.AddHerokuPostgres<TestDbContext>(TestSettings.Database(TestSettings.NoDatabaseUrl));
        await using var app = builder.Build();
        app.UseHeroku();
        // The app's error page, which UseHeroku re-executes for every error status.
        app.MapGet("/Error", (HttpContext context) =>
            $"error page: {context.Response.StatusCode} for {context.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath}");
        // What Npgsql throws when the server does not answer in time: transient.
        app.MapGet("/guestbook", string () => throw new NpgsqlException("down", new TimeoutException()));
        using var client = await TestApps.StartAsync(app);

        using var response = await client.GetAsync("/guestbook");

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("10", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Equal("error page: 503 for /guestbook", await response.Content.ReadAsStringAsync());
    }
}
