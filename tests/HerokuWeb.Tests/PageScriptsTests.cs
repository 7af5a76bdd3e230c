using System.Net;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace HerokuWeb.Tests;

/// <summary>
/// What a newcomer adds from a tutorial, in a generated app run with `dotnet run` (Development, DEBUG=true from
/// .env) and opened in Chromium: a page with <c>@section Scripts</c> and an inline script, an inline script the
/// policy blocks, and a page that fails.
/// </summary>
public sealed class PageScriptsTests(TemplatePackage package, PageScriptsTests.Run run) : IClassFixture<PageScriptsTests.Run>
{
    [Fact]
    public async Task A_pages_inline_script_in_section_scripts_runs_with_asp_add_nonce_and_its_style_block_applies_beside_the_scaffolded_validation_partial()
    {
        var app = await run.StartAsync(package);
        await using var browser = await WatchedPage.OpenAsync(new Uri(app.BaseAddress, "/Tutorial").ToString());

        await Expect(browser.Page.Locator("#greeting")).ToHaveTextAsync("The page's script ran");
        Assert.Equal("rgb(1, 2, 3)", await browser.Page.EvaluateAsync<string>("getComputedStyle(document.getElementById('styled')).color"));
        // Nothing blocked: the policy's violations are console errors.
        browser.AssertNoProblems();
    }

    [Fact]
    public async Task An_inline_script_without_asp_add_nonce_is_blocked_and_the_log_says_where_and_what_to_add()
    {
        var app = await run.StartAsync(package);
        await using var browser = await WatchedPage.OpenAsync(new Uri(app.BaseAddress, "/Blocked").ToString());

        await app.WaitForOutputAsync("The Content Security Policy blocked an inline <script> on /Blocked (script-src");
        await app.WaitForOutputAsync("add asp-add-nonce to the <script> tag. See the README, \"Security\".");
        Assert.Equal("Not run", await browser.Page.Locator("#greeting").TextContentAsync());
    }

    [Fact]
    public async Task With_DEBUG_a_page_that_fails_shows_an_exception_page_without_the_platforms_frames()
    {
        var app = await run.StartAsync(package);
        using var client = app.CreateClient(forwardedAsHttps: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Sidebar");
        request.Headers.Accept.ParseAdd("text/html");

        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("have been defined but have not been rendered", WebUtility.HtmlDecode(html));
        // The page's list of frames, and the raw stack trace below it.
        var frames = string.Join('\n', Regex.Matches(html, "<h3>(.*?)</h3>|<pre class=\"rawExceptionStackTrace\">(.*?)</pre>", RegexOptions.Singleline)
            .Select(match => WebUtility.HtmlDecode(match.Value)));
        Assert.Contains("Microsoft.AspNetCore.Mvc.Razor", frames);
        Assert.DoesNotContain("Heroku.AspNetCore", frames);
    }

    /// <summary>One app for the class, run once with `dotnet run`: the database (whose middleware wraps every page) and three pages of a tutorial's kind.</summary>
    public sealed class Run : IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private Task<AppProcess>? _app;

        public Task<AppProcess> StartAsync(TemplatePackage package)
        {
            lock (_gate)
            {
                return _app ??= StartNewAsync(package);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is { IsCompletedSuccessfully: true } started)
            {
                await (await started).DisposeAsync();
            }
        }

        private static async Task<AppProcess> StartNewAsync(TemplatePackage package)
        {
            var app = await CreateAsync(package);
            // No database: none of these pages opens a connection.
            var unreachable = $"postgres://postgres:postgres@127.0.0.1:{Ports.Free()}/pages?sslmode=disable";
            return await app.StartDevelopmentAsync(new Dictionary<string, string> { ["DATABASE_URL"] = unreachable });
        }

        private static async Task<GeneratedApp> CreateAsync(TemplatePackage package)
        {
            var app = await GeneratedApp.CreateAsync(package, "PageScripts", []);
            var pages = Path.Combine(app.ProjectDirectory, "Pages");
            await File.WriteAllTextAsync(Path.Combine(pages, "Tutorial.cshtml"), """
                @page
                @{
                    ViewData["Title"] = "Tutorial";
                }
                <h1 id="greeting">Not run</h1>
                <p id="styled">Styled by the page's own style block</p>
                <style asp-add-nonce>
                    #styled { color: rgb(1, 2, 3); }
                </style>

                @section Scripts {
                    <script asp-add-nonce>
                        document.getElementById("greeting").textContent = "The page's script ran";
                    </script>
                    @* As scaffolded pages end. *@
                    <partial name="_ValidationScriptsPartial" />
                }

                """);
            await File.WriteAllTextAsync(Path.Combine(pages, "Blocked.cshtml"), """
                @page
                <h1 id="greeting">Not run</h1>

                @section Scripts {
                    <script>
                        document.getElementById("greeting").textContent = "The page's script ran";
                    </script>
                }

                """);
            // A section the layout does not render: the page fails as it renders.
            await File.WriteAllTextAsync(Path.Combine(pages, "Sidebar.cshtml"), """
                @page
                <h1>With a sidebar</h1>

                @section Sidebar {
                    <p>Links</p>
                }

                """);
            await app.BuildAsync();
            return app;
        }
    }
}
