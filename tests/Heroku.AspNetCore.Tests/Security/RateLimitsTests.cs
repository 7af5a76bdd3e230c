using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Heroku.AspNetCore.Tests.Security;

/// <summary>
/// <see cref="RateLimits.PublicForm"/>: a few posts a minute from one visitor on Heroku, enough in Development
/// that nobody trying the app meets it, and FORM_POSTS_PER_MINUTE in either.
/// </summary>
public sealed class RateLimitsTests
{
    // An app with one public form, and the error page that renders every error status.
    private static WebApplication FormApp(string environment, string? formPostsPerMinute = null)
    {
        var builder = TestApps.CreateBuilder(environment);
        builder.AddHeroku(TestSettings.Heroku(formPostsPerMinute: formPostsPerMinute));
        var app = builder.Build();
        app.UseHeroku();
        app.Map("/Error", (HttpContext context) => $"error page: {context.Response.StatusCode}");
        app.MapPost("/form", () => "posted").RequireRateLimiting(RateLimits.PublicForm);
        return app;
    }

    private static async Task<List<HttpStatusCode>> PostAsync(HttpClient client, int times)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < times; i++)
        {
            using var response = await client.PostAsync("/form", content: null);
            statuses.Add(response.StatusCode);
        }
        return statuses;
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Outside_development_the_eleventh_post_in_a_minute_gets_the_429_page_with_retry_after(string environment)
    {
        await using var app = FormApp(environment);
        using var client = await TestApps.StartAsync(app);

        var statuses = await PostAsync(client, 10);
        using var limited = await client.PostAsync("/form", content: null);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 10), statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("error page: 429", await limited.Content.ReadAsStringAsync());
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.Zero && retryAfter <= TimeSpan.FromMinutes(1), $"Retry-After: {limited.Headers.RetryAfter}");
    }

    [Fact]
    public async Task In_development_fifty_posts_in_a_minute_are_all_taken()
    {
        await using var app = FormApp("Development");
        using var client = await TestApps.StartAsync(app);

        var statuses = await PostAsync(client, 50);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 50), statuses);
    }

    [Fact]
    public async Task FORM_POSTS_PER_MINUTE_sets_the_limit_in_development_so_the_429_page_can_be_seen()
    {
        await using var app = FormApp("Development", formPostsPerMinute: "2");
        using var client = await TestApps.StartAsync(app);

        var statuses = await PostAsync(client, 3);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task FORM_POSTS_PER_MINUTE_sets_the_limit_outside_development()
    {
        await using var app = FormApp("Production", formPostsPerMinute: "30");
        using var client = await TestApps.StartAsync(app);

        var statuses = await PostAsync(client, 31);

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 30), statuses.Take(30));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[30]);
    }
}
