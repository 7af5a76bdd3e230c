using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HerokuWeb.Tests;

/// <summary>
/// The published app in a real browser (Debian's Chromium, driven by Playwright): pages load without a
/// failed request or a console error, the stylesheet is applied, and the scripts do what they promise.
/// Screenshots are kept in test-artifacts/ for people to look at.
/// </summary>
public sealed partial class BrowserTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    public static TheoryData<string, string, int, int> Pages => new()
    {
        { "none", "/", 1280, 800 },
        { "none", "/", 390, 844 },
        { "postgres", "/Guestbook", 1280, 800 },
        { "postgres", "/Guestbook", 390, 844 },
    };

    public static TheoryData<string> Scenarios => BuildTests.Scenarios;

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task The_page_loads_cleanly_with_its_stylesheet_applied(string scenario, string path, int width, int height)
    {
        await using var web = await StartAsync(scenario);

        await using var browser = await WatchedPage.OpenAsync(Url(web, path), width, height);
        await browser.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Equal(200, browser.Response?.Status);
        browser.AssertNoProblems();
        Assert.True(browser.Requests.Count == 3, "One page, one stylesheet, one script; requested:\n" + string.Join('\n', browser.Requests.Select(r => r.Url)));
        Assert.Equal("0px", await browser.Page.EvaluateAsync<string>("getComputedStyle(document.body).marginTop"));
        Assert.DoesNotContain("Times", await browser.Page.EvaluateAsync<string>("getComputedStyle(document.body).fontFamily"), StringComparison.Ordinal);
        await browser.Page.ScreenshotAsync(new()
        {
            Path = Path.Combine(Repository.Artifacts, $"{scenario}{path.Replace('/', '-').TrimEnd('-')}-{width}x{height}.png"),
            FullPage = true,
        });
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_dark_theme_button_applies_at_once_and_the_server_renders_it_after_a_reload(string scenario)
    {
        await using var web = await StartAsync(scenario);
        await using var browser = await WatchedPage.OpenAsync(Url(web, "/"));
        var page = browser.Page;
        Assert.NotEqual("dark", await page.GetAttributeAsync("html", "data-theme"));

        await page.ClickAsync("button[data-theme-choice=\"dark\"]");

        Assert.Equal("dark", await page.GetAttributeAsync("html", "data-theme"));
        Assert.Contains(await browser.Context.CookiesAsync(), cookie => cookie is { Name: "theme", Value: "dark" });
        // The HTML as the server sent it, not the DOM after the script ran.
        var reloaded = await page.ReloadAsync() ?? throw new InvalidOperationException("The reload got no response.");
        Assert.Matches(DarkHtmlElement(), await reloaded.TextAsync());
        browser.AssertNoProblems();
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Typing_a_message_updates_its_character_counter(string scenario)
    {
        await using var web = await StartAsync(scenario);
        await using var browser = await WatchedPage.OpenAsync(Url(web, FormPath(scenario)));
        var message = browser.Page.Locator("#Input_Message");
        var max = await message.GetAttributeAsync("data-val-length-max")
            ?? throw new InvalidOperationException("The message field declares no maximum length for the counter.");
        var counter = browser.Page.Locator("#Input_Message-counter");
        await Expect(counter).ToHaveTextAsync($"0 / {max}");

        await message.PressSequentiallyAsync("Hello, dyno");

        await Expect(counter).ToHaveTextAsync($"11 / {max}");
        browser.AssertNoProblems();
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_double_click_on_submit_posts_the_form_once(string scenario)
    {
        var vars = await ConfigVars.ProductionAsync(BuildTests.Of(scenario), postgres, "double_click");
        await using var web = await StartAsync(scenario, vars);
        await using var browser = await WatchedPage.OpenAsync(Url(web, FormPath(scenario)));
        var page = browser.Page;
        var name = $"Visitor {Guid.NewGuid():N}";
        await page.FillAsync("#Input_Name", name);
        await page.FillAsync("#Input_Message", "Clicked twice");
        await AnswerPostsSlowlyAsync(page);

        // About 200 ms between the clicks, as a person double-clicks: a second submit any sooner would
        // replace the first before it is sent, and the browser alone would post once.
        await page.Locator("main form [type=submit]").DblClickAsync(new() { Delay = 100 });

        // After Post/Redirect/Get the page shows the entry or the notice; by network idle any second post would have been sent.
        await Expect(page.GetByText(name).First).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (BuildTests.Of(scenario).UsesDatabase)
        {
            Assert.Equal(1L, await postgres.QueryScalarAsync<long>(vars["DATABASE_URL"], $"SELECT count(*) FROM guestbook_entries WHERE name = '{name}'"));
        }
        else
        {
            await web.WaitForOutputAsync($"Contact message from {name}:");
            Assert.Single(Regex.Matches(web.Output, Regex.Escape($"Contact message from {name}:")));
        }
        Assert.Single(browser.Requests.Where(request => request.Method == "POST").Select(request => request.Url));
        browser.AssertNoProblems();
    }

    // A busy dyno: the post reaches the app at once, its answer reaches the browser a second later.
    // Until then the form stays on screen, where a second click can post it again.
    private static Task AnswerPostsSlowlyAsync(IPage page) => page.RouteAsync("**/*", async route =>
    {
        if (route.Request.Method != "POST")
        {
            await route.ContinueAsync();
            return;
        }
        var response = await route.FetchAsync(new() { MaxRedirects = 0 });
        await Task.Delay(TimeSpan.FromSeconds(1));
        try
        {
            await route.FulfillAsync(new() { Response = response });
        }
        catch (PlaywrightException)
        {
            // The browser gave up waiting for this post: it sent another.
        }
    });

    private static string FormPath(string scenario) => BuildTests.Of(scenario).UsesDatabase ? "/Guestbook" : "/Contact";

    private static string Url(AppProcess web, string path) => new Uri(web.BaseAddress, path).ToString();

    private async Task<AppProcess> StartAsync(string scenario, Dictionary<string, string>? vars = null)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        return await app.ReleaseAndStartWebAsync(vars ?? await ConfigVars.ProductionAsync(BuildTests.Of(scenario), postgres, "browser"));
    }

    [GeneratedRegex("""<html\b[^>]*\sdata-theme="dark"[\s>]""")]
    private static partial Regex DarkHtmlElement();
}

/// <summary>
/// A page in a browser of its own, reached the way Heroku's router is, that records every request and
/// every problem: console errors and warnings, script errors, failed requests and error responses.
/// </summary>
internal sealed class WatchedPage : IAsyncDisposable
{
    private readonly IBrowser _browser;
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentQueue<IRequest> _requests = new();

    private WatchedPage(IBrowser browser, IBrowserContext context, IPage page)
    {
        _browser = browser;
        Context = context;
        Page = page;
        page.Console += (_, message) => { if (message.Type is "error" or "warning") _problems.Enqueue($"console {message.Type}: {message.Text}"); };
        page.PageError += (_, error) => _problems.Enqueue("page error: " + error);
        page.RequestFailed += (_, request) => _problems.Enqueue($"request failed: {request.Method} {request.Url} {request.Failure}");
        page.Response += (_, response) => { if (response.Status >= 400) _problems.Enqueue($"{response.Status}: {response.Url}"); };
        page.Request += (_, request) => _requests.Enqueue(request);
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyList<IRequest> Requests => [.. _requests];

    /// <summary>The answer to the first visit.</summary>
    public IResponse? Response { get; private set; }

    /// <summary>
    /// Opens <paramref name="url"/> in a new browser, its window <paramref name="width"/> by <paramref name="height"/>,
    /// sending <paramref name="headers"/> with every request.
    /// </summary>
    public static async Task<WatchedPage> OpenAsync(string url, int width = 1280, int height = 800, IReadOnlyDictionary<string, string>? headers = null)
    {
        var browser = await Browser.LaunchAsync();
        try
        {
            var context = await browser.NewContextAsync(new()
            {
                ViewportSize = new() { Width = width, Height = height },
                // What Heroku's router adds: the visitor came over HTTPS.
                ExtraHTTPHeaders = new Dictionary<string, string>(headers ?? new Dictionary<string, string>()) { ["X-Forwarded-Proto"] = "https" },
            });
            var watched = new WatchedPage(browser, context, await context.NewPageAsync());
            watched.Response = await watched.Page.GotoAsync(url);
            return watched;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Console errors and warnings, script errors, failed requests and error responses so far.</summary>
    public IReadOnlyList<string> Problems => [.. _problems];

    public void AssertNoProblems() => Assert.True(_problems.IsEmpty, string.Join('\n', _problems));

    public async ValueTask DisposeAsync() => await _browser.DisposeAsync();
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
