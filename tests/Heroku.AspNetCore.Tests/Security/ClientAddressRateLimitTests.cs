using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Heroku.AspNetCore.Tests.Security;

/// <summary>
/// Whose budget a post of <see cref="RateLimits.PublicForm"/> draws on, over a real Kestrel connection as the router
/// makes them: the address the router appends to X-Forwarded-For, an IPv6 address's /64, never what the client wrote.
/// </summary>
public sealed class ClientAddressRateLimitTests : IAsyncLifetime
{
    private const int Permits = 2;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = TestApps.ApplicationName,
            EnvironmentName = "Development",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddHeroku(TestSettings.Heroku(formPostsPerMinute: Permits.ToString(System.Globalization.CultureInfo.InvariantCulture), allowedHosts: "127.0.0.1"));
        _app = builder.Build();
        _app.UseHeroku();
        _app.Map("/Error", (HttpContext context) => $"error page: {context.Response.StatusCode}");
        _app.MapPost("/form", (HttpContext context) => context.Connection.RemoteIpAddress?.ToString()).RequireRateLimiting(RateLimits.PublicForm);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<HttpStatusCode> PostAsync(string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/form");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await _client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    [Fact]
    public async Task Two_addresses_in_one_IPv6_64_share_one_budget()
    {
        var statuses = new[] { await PostAsync("2001:db8:1:2::1"), await PostAsync("2001:db8:1:2:ffff::9"), await PostAsync("2001:db8:1:2:abcd:1:2:3") };
        var otherNetwork = await PostAsync("2001:db8:1:3::1");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, otherNetwork);
    }

    [Fact]
    public async Task A_left_most_X_Forwarded_For_entry_written_by_the_client_cannot_choose_the_budget()
    {
        // The router appends the address it saw; whatever the client sent stays on the left.
        var statuses = new List<HttpStatusCode>();
        for (var spoofed = 1; spoofed <= Permits + 1; spoofed++)
        {
            statuses.Add(await PostAsync($"203.0.113.{spoofed}, 198.51.100.7"));
        }
        var anotherVisitor = await PostAsync("203.0.113.1, 198.51.100.8");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, anotherVisitor);
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8:1:2:abcd::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::", "2001:db8:1:2::/64")]
    public void The_partition_is_an_IPv4_address_or_an_IPv6_addresses_64(string address, string partition) =>
        Assert.Equal(partition, RateLimits.Partition(IPAddress.Parse(address)));
}
