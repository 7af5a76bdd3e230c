using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MyApp.Tests;

public sealed class AppTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Home_page_answers()
    {
        var response = await app.CreateHttpsClient().GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("MyApp is running", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Liveness_check_answers_without_touching_dependencies()
    {
        var response = await app.CreateHttpsClient().GetAsync("/healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Plain_http_is_redirected_to_https_on_port_443()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("https://localhost/", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Requests_forwarded_as_https_by_the_router_are_served_with_hsts()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = AppFactory.PublicHost;
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Hosts_outside_ALLOWED_HOSTS_are_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "attacker.example";

        var response = await app.CreateHttpsClient().SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public void Shutdown_finishes_inside_herokus_30_second_window()
    {
        var timeout = app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;

        Assert.True(timeout < TimeSpan.FromSeconds(30), $"Heroku kills the process 30 s after SIGTERM; the app waits {timeout}.");
    }
}
