using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace Heroku.AspNetCore.Tests.Security;

/// <summary>The headers UseHeroku puts on every page, checked on an app served in memory.</summary>
public sealed class SecurityHeadersTests
{
    [Fact]
    public async Task A_page_gets_every_security_header()
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku());
        await using var app = builder.Build();
        app.UseHeroku();
        app.MapGet("/", () => Results.Content("<!doctype html><title>Home</title>", "text/html"));
        using var client = await TestApps.StartAsync(app);

        using var response = await client.GetAsync("/");

        response.EnsureSuccessStatusCode();
        Assert.Contains("default-src 'none'", Header(response, "Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Contains("camera=()", Header(response, "Permissions-Policy"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
    }

    [Fact]
    public async Task A_directive_the_app_gives_replaces_the_platforms_and_keeps_the_rest_of_the_policy()
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku());
        await using var app = builder.Build();
        app.UseHeroku(contentSecurityPolicy: csp => csp.AddScriptSrc().Self().From("https://cdn.example.com"));
        app.MapGet("/", () => Results.Content("<!doctype html><title>Home</title>", "text/html"));
        using var client = await TestApps.StartAsync(app);

        var policy = Header(await client.GetAsync("/"), "Content-Security-Policy");

        Assert.Contains("script-src 'self' https://cdn.example.com", policy);
        Assert.Single(policy.Split(';'), directive => directive.Trim().StartsWith("script-src ", StringComparison.Ordinal));
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
    }

    [Fact]
    public async Task A_host_outside_ALLOWED_HOSTS_gets_a_400_with_the_security_headers_and_hsts()
    {
        await using var app = PageApp();
        using var client = await TestApps.StartAsync(app);

        using var response = await client.GetAsync("https://attacker.example/");

        Assert.Equal(400, (int)response.StatusCode);
        AssertPageHeaders(response);
        Assert.Equal("max-age=31536000", Header(response, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task A_request_without_a_host_is_refused_unless_every_host_is_allowed()
    {
        await using var app = PageApp();
        await TestApps.StartAsync(app);

        // As HTTP/1.0 allows: no Host header at all. Over HTTPS, as the router forwards every request.
        var response = (await app.GetTestServer().SendAsync(context =>
        {
            context.Request.Scheme = "https";
            context.Request.Host = default;
        })).Response;

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.XContentTypeOptions.ToString());
    }

    [Theory]
    [InlineData("TRACE")]
    [InlineData("TRACK")]
    [InlineData("CONNECT")]
    public async Task Trace_and_connect_get_a_405_with_the_security_headers_not_the_page(string method)
    {
        await using var app = PageApp();
        using var client = await TestApps.StartAsync(app);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/"));

        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal("GET, HEAD, POST", Header(response, "Allow"));
        Assert.DoesNotContain("Home", await response.Content.ReadAsStringAsync());
        AssertPageHeaders(response);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("POST")]
    [InlineData("OPTIONS")]
    [InlineData("DELETE")]
    public async Task Other_methods_reach_the_page(string method)
    {
        await using var app = PageApp();
        using var client = await TestApps.StartAsync(app);

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/"));

        Assert.Equal(200, (int)response.StatusCode);
        AssertPageHeaders(response);
    }

    // As dotnet watch sets it for the app it starts: its browser-refresh server, over ws:// and wss://.
    private const string DotnetWatchEndpoints = "ws://localhost:38445,wss://localhost:38446";

    [Fact]
    public async Task A_page_may_connect_to_dotnet_watchs_browser_refresh_server_in_Development_only_and_only_under_dotnet_watch()
    {
        Assert.Contains("connect-src 'self' ws://localhost:38445 wss://localhost:38446;", await PolicyAsync("Development", DotnetWatchEndpoints) + ";");

        Assert.Contains("connect-src 'self';", await PolicyAsync("Production", DotnetWatchEndpoints) + ";");
        Assert.Contains("connect-src 'self';", await PolicyAsync(TestApps.Environment, DotnetWatchEndpoints) + ";");
        Assert.Contains("connect-src 'self';", await PolicyAsync("Development", dotnetWatchEndpoints: null) + ";");
    }

    [Fact]
    public async Task Only_WebSocket_origins_from_dotnet_watchs_variable_enter_the_policy()
    {
        var policy = await PolicyAsync("Development", "ws://localhost:1; script-src *,https://cdn.example.com,ws://localhost:2/path?query");

        Assert.Contains("connect-src 'self' ws://localhost:2;", policy + ";");
        // The policy's own script-src, its nonce and nothing from the variable.
        Assert.Matches("script-src 'self' 'nonce-[A-Za-z0-9+/]+=*';", policy + ";");
        Assert.DoesNotContain("script-src *", policy);
        Assert.DoesNotContain("example.com", policy);
    }

    private static async Task<string> PolicyAsync(string environment, string? dotnetWatchEndpoints)
    {
        var builder = TestApps.CreateBuilder(environment);
        builder.Configuration["ASPNETCORE_AUTO_RELOAD_WS_ENDPOINT"] = dotnetWatchEndpoints;
        builder.AddHeroku(TestSettings.Heroku());
        await using var app = builder.Build();
        app.UseHeroku();
        app.MapGet("/", () => Results.Content("<!doctype html><title>Home</title>", "text/html"));
        using var client = await TestApps.StartAsync(app);
        return Header(await client.GetAsync("/"), "Content-Security-Policy");
    }

    // A page that renders for any method, as a Razor page without handlers does.
    private static WebApplication PageApp()
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku());
        var app = builder.Build();
        app.UseHeroku();
        app.Map("/", () => Results.Content("<!doctype html><title>Home</title>", "text/html"));
        return app;
    }

    private static void AssertPageHeaders(HttpResponseMessage response)
    {
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"The response has no {name} header.");
}
