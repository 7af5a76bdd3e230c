using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

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

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"The response has no {name} header.");
}
