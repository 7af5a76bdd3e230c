using System.Net;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Heroku.AspNetCore.Tests.Security;

/// <summary>
/// Inline scripts and styles run only with the response's nonce: the policy names a new one in every response, and
/// <c>asp-add-nonce</c> (NonceTagHelper) writes the same one on the tag. Pages here render the tag helper as Razor
/// does, on the request being answered.
/// </summary>
public sealed class NonceTests
{
    [Fact]
    public async Task Every_response_names_a_new_random_nonce_in_script_src_and_style_src_and_never_unsafe_inline()
    {
        await using var app = PageApp();
        using var client = await TestApps.StartAsync(app);

        var first = Policy(await client.GetAsync("/"));
        var second = Policy(await client.GetAsync("/"));

        foreach (var policy in new[] { first, second })
        {
            Assert.Equal(Nonce(policy, "script-src"), Nonce(policy, "style-src"));
            // 32 random bytes: a nonce a visitor could guess would let an injected script run.
            Assert.Equal(32, Convert.FromBase64String(Nonce(policy, "script-src")).Length);
            Assert.DoesNotContain("'unsafe-inline'", policy, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("'unsafe-eval'", policy, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        }
        Assert.NotEqual(Nonce(first, "script-src"), Nonce(second, "script-src"));
    }

    [Fact]
    public async Task A_script_or_style_tag_with_asp_add_nonce_carries_the_nonce_of_its_responses_policy()
    {
        await using var app = PageApp();
        using var client = await TestApps.StartAsync(app);

        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        var nonce = Nonce(Policy(response), "script-src");
        Assert.Equal(nonce, TagNonce(html, "script"));
        Assert.Equal(nonce, TagNonce(html, "style"));
        // asp-add-nonce="false": none.
        Assert.EndsWith("<script></script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_error_page_that_replaces_a_response_carries_the_nonce_of_its_policy()
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku());
        await using var app = builder.Build();
        app.UseHeroku();
        // Rendered again for the 404 (UseStatusCodePagesWithReExecute), on the same request.
        app.MapGet("/Error", (HttpContext context) => Results.Content(Render(context, "script"), "text/html"));
        using var client = await TestApps.StartAsync(app);

        using var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(Nonce(Policy(response), "script-src"), TagNonce(await response.Content.ReadAsStringAsync(), "script"));
    }

    [Fact]
    public async Task A_script_src_the_app_gives_keeps_the_nonce_only_with_WithNonce()
    {
        await using var withNonce = PageApp(csp => csp.AddScriptSrc().Self().WithNonce().From("https://cdn.example.com"));
        await using var withoutNonce = PageApp(csp => csp.AddScriptSrc().Self().From("https://cdn.example.com"));

        using var withNonceClient = await TestApps.StartAsync(withNonce);
        using var withoutNonceClient = await TestApps.StartAsync(withoutNonce);

        var kept = Policy(await withNonceClient.GetAsync("/"));
        var replaced = Policy(await withoutNonceClient.GetAsync("/"));

        Assert.Matches("script-src 'self' https://cdn.example.com 'nonce-[^']+'(;|$)", kept);
        Assert.Contains("script-src 'self' https://cdn.example.com;", replaced, StringComparison.Ordinal);
        // The directives the app did not give keep theirs.
        Assert.Matches("style-src 'self' 'nonce-[^']+'", replaced);
    }

    // A page with an inline style and an inline script with asp-add-nonce, then a script with asp-add-nonce="false".
    private static WebApplication PageApp(Action<CspBuilder>? contentSecurityPolicy = null)
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku());
        var app = builder.Build();
        app.UseHeroku(contentSecurityPolicy: contentSecurityPolicy);
        app.MapGet("/", (HttpContext context) =>
            Results.Content($"<!doctype html><title>Page</title>{Render(context, "style")}{Render(context, "script")}"
                + Render(context, "script", addNonce: false), "text/html"));
        return app;
    }

    // What Razor does for <tag asp-add-nonce>: the platform's tag helper, run on the request being answered.
    private static string Render(HttpContext request, string tag, bool addNonce = true)
    {
        var helper = new NonceTagHelper { AddNonce = addNonce, ViewContext = new ViewContext { HttpContext = request } };
        var attributes = new TagHelperAttributeList();
        var output = new TagHelperOutput(tag, attributes, (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));
        helper.Process(new TagHelperContext(tag, attributes, new Dictionary<object, object>(), "tag"), output);
        using var html = new StringWriter();
        output.WriteTo(html, HtmlEncoder.Default);
        return html.ToString();
    }

    private static string Policy(HttpResponseMessage response) => Assert.Single(response.Headers.GetValues("Content-Security-Policy"));

    private static string Nonce(string policy, string directive) =>
        Regex.Match(policy, $"(?:^|; ){directive} [^;]*'nonce-([^']+)'") is { Success: true } match
            ? match.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"{directive} names no nonce: {policy}");

    // The nonce attribute as a browser reads it, HTML character references decoded.
    private static string TagNonce(string html, string tag) =>
        Regex.Match(html, $"<{tag} nonce=\"([^\"]+)\">") is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new Xunit.Sdk.XunitException($"No <{tag}> with a nonce in: {html}");
}
