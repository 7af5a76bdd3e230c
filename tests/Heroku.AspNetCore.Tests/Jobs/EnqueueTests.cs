using System.Net;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Heroku.AspNetCore.Tests.Jobs;

/// <summary>Enqueueing from a request, as the contact page does.</summary>
public sealed class EnqueueTests
{
    [Fact]
    public async Task A_job_enqueued_while_the_database_is_down_gets_the_visitor_the_503_page_not_a_500()
    {
        await using var app = JobsApps.Create(TestSettings.NoDatabaseUrl);
        app.UseHeroku();
        // The app's error page, which UseHeroku re-executes for every error status.
        app.MapGet("/Error", (HttpContext context) => $"error page: {context.Response.StatusCode}");
        app.MapGet("/enqueue", (IBackgroundJobClient jobs) =>
        {
            jobs.Enqueue<CountingJob>(job => job.RunAsync("never", CancellationToken.None));
            return Results.Ok();
        });
        using var client = await TestApps.StartAsync(app);

        var response = await client.GetAsync("/enqueue");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("10", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Equal("error page: 503", await response.Content.ReadAsStringAsync());
    }
}
