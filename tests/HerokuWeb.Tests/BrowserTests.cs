using HerokuWeb.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HerokuWeb.Tests;

/// <summary>
/// The published app in a real browser (Debian's Chromium, driven by Playwright): the first visit loads
/// without a failed request or a console error, and the stylesheet is applied. Screenshots are kept in
/// test-artifacts/ for people to look at.
/// </summary>
public sealed class BrowserTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    public static TheoryData<string, string, int, int> Pages => new()
    {
        { "none", "/", 1280, 800 },
        { "none", "/", 390, 844 },
        { "postgres", "/Guestbook", 1280, 800 },
        { "postgres", "/Guestbook", 390, 844 },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task The_page_loads_cleanly_with_its_stylesheet_applied(string scenario, string path, int width, int height)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        string? databaseUrl = null;
        if (BuildTests.Of(scenario).UsesDatabase)
        {
            databaseUrl = await postgres.CreateDatabaseAsync("browser");
            (await app.RunProcfileAsync("release", ConfigVars.Production(databaseUrl))).EnsureSuccess();
        }
        await using var web = await app.StartWebAsync(ConfigVars.Production(databaseUrl));
        await using var browser = await Browser.LaunchAsync();
        var context = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height },
            // What Heroku's router adds: the visitor came over HTTPS.
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https" },
        });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        var requests = new List<string>();
        page.Console += (_, message) => { if (message.Type is "error" or "warning") problems.Add($"console {message.Type}: {message.Text}"); };
        page.PageError += (_, error) => problems.Add("page error: " + error);
        page.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url} {request.Failure}");
        page.Response += (_, response) => { if (response.Status >= 400) problems.Add($"{response.Status}: {response.Url}"); };
        page.Request += (_, request) => requests.Add(request.Url);

        var response = await page.GotoAsync(new Uri(web.BaseAddress, path).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });

        Assert.Equal(200, response?.Status);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(requests.Count == 3, "One page, one stylesheet, one script; requested:\n" + string.Join('\n', requests));
        Assert.Equal("0px", await page.EvaluateAsync<string>("getComputedStyle(document.body).marginTop"));
        Assert.DoesNotContain("Times", await page.EvaluateAsync<string>("getComputedStyle(document.body).fontFamily"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new()
        {
            Path = Path.Combine(Repository.Artifacts, $"{scenario}{path.Replace('/', '-').TrimEnd('-')}-{width}x{height}.png"),
            FullPage = true,
        });
    }
}

/// <summary>Debian's Chromium: Playwright's own browser download is not available on every machine.</summary>
internal static class Browser
{
    public const string ExecutablePath = "/usr/bin/chromium";

    // One driver process for the whole run; each test launches and closes its own browser.
    private static readonly Lazy<Task<IPlaywright>> Driver = new(Playwright.CreateAsync);

    public static async Task<IBrowser> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} not found: install Debian's Chromium (apt-get install chromium).");
        }
        return await (await Driver.Value).Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // No sandbox as root (CI); no background traffic to Google's services on a closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }
}
