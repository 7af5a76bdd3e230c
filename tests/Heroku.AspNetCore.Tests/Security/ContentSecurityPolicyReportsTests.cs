using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Heroku.AspNetCore.Tests.Security;

/// <summary>
/// In Development, what the Content Security Policy blocks is reported by the browser to the app, which logs one
/// warning per violation with the page, the directive and the fix. Reports here are shaped as browsers send them to
/// a report-uri, and quote the policy the app sent.
/// </summary>
public sealed class ContentSecurityPolicyReportsTests
{
    private const string Category = "Heroku.AspNetCore.ContentSecurityPolicy";
    private const string Page = "https://localhost/Tutorial";
    private const string ReportUri = "/csp-report";

    [Fact]
    public async Task In_development_a_blocked_inline_script_is_one_warning_naming_the_page_the_directive_and_the_fix()
    {
        var logs = new ListLoggerProvider();
        await using var app = DevelopmentApp(logs);
        using var client = await TestApps.StartAsync(app);
        var policy = Policy(await client.GetAsync("/"));
        var reportUri = Regex.Match(policy, "(?:^|; )report-uri ([^;]+)").Groups[1].Value;

        using var response = await client.PostAsync(reportUri, Report("script-src-elem", "inline", policy, line: 42));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var warning = Assert.Single(Warnings(logs));
        Assert.Contains("blocked an inline <script> on /Tutorial (script-src-elem, line 42): add asp-add-nonce to the <script> tag.", warning);
        Assert.Contains("See the README, \"Security\".", warning);
    }

    [Theory]
    [InlineData("style-src-elem", "inline", "an inline <style> on /Tutorial", "add asp-add-nonce to the <style> tag")]
    [InlineData("style-src-attr", "inline", "a style=\"...\" attribute on /Tutorial", "move the rule to a class in Assets/css")]
    [InlineData("script-src-attr", "inline", "an event handler attribute (onclick=...) on /Tutorial", "with addEventListener")]
    [InlineData("script-src", "eval", "eval() or new Function() on /Tutorial", "run code from a script file")]
    [InlineData("script-src-elem", "https://cdn.example.com/lib.js", "https://cdn.example.com on /Tutorial",
        "allow https://cdn.example.com in script-src with UseHeroku(contentSecurityPolicy: ...)")]
    [InlineData("font-src", "data", "data: on /Tutorial", "allow data: in font-src")]
    public async Task Each_kind_of_violation_gets_its_fix(string directive, string blockedUri, string blocked, string fix)
    {
        var logs = new ListLoggerProvider();
        await using var app = DevelopmentApp(logs);
        using var client = await TestApps.StartAsync(app);
        var policy = Policy(await client.GetAsync("/"));

        using var response = await client.PostAsync(ReportUri, Report(directive, blockedUri, policy));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var warning = Assert.Single(Warnings(logs));
        Assert.Contains(blocked, warning);
        Assert.Contains(fix, warning);
    }

    [Fact]
    public async Task An_inline_script_blocked_by_a_script_src_of_the_apps_without_the_nonce_is_told_to_add_WithNonce()
    {
        var logs = new ListLoggerProvider();
        await using var app = DevelopmentApp(logs, csp => csp.AddScriptSrc().Self().From("https://cdn.example.com"));
        using var client = await TestApps.StartAsync(app);
        var policy = Policy(await client.GetAsync("/"));

        await client.PostAsync(ReportUri, Report("script-src-elem", "inline", policy));

        var warning = Assert.Single(Warnings(logs));
        Assert.Contains("the policy's script-src has no nonce", warning);
        Assert.Contains("add .WithNonce() to it", warning);
    }

    [Fact]
    public async Task What_a_browser_extension_brings_into_the_page_is_not_the_apps_to_fix_and_is_not_logged()
    {
        var logs = new ListLoggerProvider();
        await using var app = DevelopmentApp(logs);
        using var client = await TestApps.StartAsync(app);
        var policy = Policy(await client.GetAsync("/"));

        using var response = await client.PostAsync(ReportUri, Report("script-src-elem", "inline", policy, sourceFile: "chrome-extension://abcdef/content.js"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(Warnings(logs));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_report_over_16_KB_is_refused_and_not_logged(bool chunked)
    {
        var logs = new ListLoggerProvider();
        await using var app = DevelopmentApp(logs);
        using var client = await TestApps.StartAsync(app);
        var policy = Policy(await client.GetAsync("/"));
        using var content = Report("script-src-elem", "inline", policy, sample: new string('x', 16 * 1024));
        using var request = new HttpRequestMessage(HttpMethod.Post, ReportUri) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(Warnings(logs));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"csp-report": "inline"}""")]
    public async Task A_body_that_is_no_report_is_refused_and_not_logged(string body)
    {
        var logs = new ListLoggerProvider();
        await using var app = DevelopmentApp(logs);
        using var client = await TestApps.StartAsync(app);

        using var response = await client.PostAsync(ReportUri, new StringContent(body, Encoding.UTF8, "application/csp-report"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(Warnings(logs));
    }

    [Fact]
    public async Task Only_in_development_does_the_policy_ask_for_reports_and_the_app_take_them()
    {
        foreach (var environment in new[] { "Development", TestApps.Environment, "Staging" })
        {
            var logs = new ListLoggerProvider();
            await using var app = App(environment, logs);
            using var client = await TestApps.StartAsync(app);
            var policy = Policy(await client.GetAsync("/"));

            using var response = await client.PostAsync(ReportUri, Report("script-src-elem", "inline", policy));
            using var unknown = await client.PostAsync("/no-such-address", Report("script-src-elem", "inline", policy));

            if (environment == "Development")
            {
                Assert.Contains($"report-uri {ReportUri}", policy, StringComparison.Ordinal);
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
                Assert.Single(Warnings(logs));
            }
            else
            {
                Assert.DoesNotContain("report-", policy, StringComparison.Ordinal);
                // Answered as any address the app does not have.
                Assert.False(response.IsSuccessStatusCode);
                Assert.Equal(unknown.StatusCode, response.StatusCode);
                Assert.Empty(Warnings(logs));
            }
        }
    }

    private static WebApplication DevelopmentApp(ListLoggerProvider logs, Action<CspBuilder>? contentSecurityPolicy = null) =>
        App("Development", logs, contentSecurityPolicy);

    private static WebApplication App(string environment, ListLoggerProvider logs, Action<CspBuilder>? contentSecurityPolicy = null)
    {
        var builder = TestApps.CreateBuilder(environment);
        builder.AddHeroku(TestSettings.Heroku());
        builder.Logging.ClearProviders().AddProvider(logs);
        var app = builder.Build();
        app.UseHeroku(contentSecurityPolicy: contentSecurityPolicy);
        app.MapGet("/", () => Results.Content("<!doctype html><title>Home</title>", "text/html"));
        // The app's error page, which renders for any method, as a Razor page does.
        app.Map("/Error", (HttpContext context) => $"error page: {context.Response.StatusCode}");
        return app;
    }

    // A violation report as a browser posts it to a report-uri (Chromium's fields and content type).
    private static ByteArrayContent Report(string directive, string blockedUri, string policy, int? line = null, string sourceFile = Page, string sample = "")
    {
        var report = new Dictionary<string, object>
        {
            ["document-uri"] = Page,
            ["referrer"] = "",
            ["violated-directive"] = directive,
            ["effective-directive"] = directive,
            ["original-policy"] = policy,
            ["disposition"] = "enforce",
            ["blocked-uri"] = blockedUri,
            ["source-file"] = sourceFile,
            ["status-code"] = 200,
            ["script-sample"] = sample,
        };
        if (line is int number)
        {
            report["line-number"] = number;
            report["column-number"] = 5;
        }
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["csp-report"] = report }));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/csp-report");
        return content;
    }

    private static List<string> Warnings(ListLoggerProvider logs) =>
        [.. logs.Lines.Where(line => line.Level >= LogLevel.Warning && line.Text.StartsWith(Category + " ", StringComparison.Ordinal)).Select(line => line.Text)];

    private static string Policy(HttpResponseMessage response) => Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
}
