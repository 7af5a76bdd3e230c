using System.Globalization;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;
using TemplateVerifier;

namespace HerokuWeb.Tests;

/// <summary>
/// `dotnet watch`, as the README says to run it (with hot reload, its default) and without hot reload: a saved
/// stylesheet reaches the page, and the page's console stays clean.
/// </summary>
public sealed partial class WatchTests(TemplatePackage package, PreparedApps apps)
{
    private const string Watch = "dotnet watch";

    // Plain dotnet watch is the next test's, which checks the same in the browser.
    [Fact]
    public async Task Saving_a_stylesheet_under_dotnet_watch_without_hot_reload_changes_the_stylesheet_the_page_links()
    {
        var app = await CloneAsync();
        await using var watch = await StartAsync(app, Watch + " --no-hot-reload");
        using var client = watch.CreateClient(forwardedAsHttps: false);

        await File.AppendAllTextAsync(Path.Combine(app.ProjectDirectory, "Assets", "css", "components.css"), "\n.watched-edit { color: red; }\n");

        // Without hot reload, a rebuild and restart give the bundle a new fingerprint. That takes a while on a busy
        // machine; a refused connection is the app restarting.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The page's stylesheet never had the edit.\n{watch.Output}");
            await Task.Delay(500);
            try
            {
                if ((await StylesheetAsync(client)).Contains(".watched-edit", StringComparison.Ordinal))
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
        }
    }

    [Fact]
    public async Task Under_dotnet_watch_a_saved_stylesheet_restyles_the_open_page_in_place_and_the_console_stays_clean()
    {
        var app = await CloneAsync();
        await using var watch = await StartAsync(app, Watch + " --verbose");
        await using var browser = await WatchedPage.OpenAsync(watch.BaseAddress.ToString());
        var page = browser.Page;
        // The script dotnet watch adds to the page connects to its browser-refresh server, unless the page's policy refuses.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!watch.Output.Contains("Connected to refresh server.", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "The page never connected to dotnet watch.");
            browser.AssertNoProblems();
            await Task.Delay(200);
        }
        await page.EvaluateAsync("window.beforeTheSave = true");

        await File.AppendAllTextAsync(Path.Combine(app.ProjectDirectory, "Assets", "css", "components.css"), "\n:root { --saved-under-watch: yes; }\n");

        // Polled from the test: Playwright's own waiting evaluates a string, which the page's policy forbids.
        deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (await page.EvaluateAsync<string>("getComputedStyle(document.documentElement).getPropertyValue('--saved-under-watch').trim()") != "yes")
        {
            Assert.True(DateTime.UtcNow < deadline, $"The page never took the saved stylesheet.\n{watch.Output}");
            await Task.Delay(200);
        }
        Assert.True(await page.EvaluateAsync<bool>("window.beforeTheSave === true"), "The page was reloaded, not restyled in place.");
        // And the stylesheet the page links has it, for the next page a browser opens.
        using var client = watch.CreateClient(forwardedAsHttps: false);
        Assert.Contains("--saved-under-watch", await StylesheetAsync(client), StringComparison.Ordinal);
        // Before restyling, dotnet watch's script asks its own middleware for Clear-Site-Data, a response Chromium
        // reports as an aborted request; the script goes on. Any other problem counts.
        Assert.DoesNotContain(browser.Problems, problem => !problem.Contains("/_framework/clear-browser-cache net::ERR_ABORTED", StringComparison.Ordinal));
    }

    // A clone of its own: each test edits a source, which no other test may see.
    private async Task<GeneratedApp> CloneAsync()
    {
        var generated = await apps.GeneratedAsync(package, Scenario.NoDatabase);
        Assert.Contains($"`{Watch}`", await File.ReadAllTextAsync(Path.Combine(generated.Directory, "README.md")), StringComparison.Ordinal);
        var app = generated.CleanCopy();
        File.Copy(Path.Combine(generated.Directory, ".env"), Path.Combine(app.Directory, ".env"));
        return app;
    }

    // Run in the app's project directory, as a developer runs it.
    private static async Task<AppProcess> StartAsync(GeneratedApp app, string command)
    {
        var port = Ports.Free();
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["DOTNET_WATCH_SUPPRESS_EMOJIS"] = "1",
            ["DOTNET_WATCH_SUPPRESS_LAUNCH_BROWSER"] = "1",
            // Shared machines run out of inotify instances; polling sees the same edits.
            ["DOTNET_USE_POLLING_FILE_WATCHER"] = "1",
        };
        foreach (var variable in DotnetCli.InheritedMSBuildVariables)
        {
            environment[variable] = "";
        }
        var watch = AppProcess.Start($"exec {command} --non-interactive run", app.ProjectDirectory, environment, port, clean: false);
        try
        {
            // dotnet watch builds both projects of the clean copy first: more than a dyno's start on a busy machine.
            await watch.WaitUntilHealthyAsync(timeout: TimeSpan.FromMinutes(4));
            return watch;
        }
        catch
        {
            await watch.DisposeAsync();
            throw;
        }
    }

    // The stylesheet the home page links, as a browser fetches it after a refresh.
    private static async Task<string> StylesheetAsync(HttpClient client)
    {
        var url = Stylesheet().Match(await client.GetStringAsync("/")).Groups["url"].Value;
        Assert.StartsWith("/bundles/site.", url, StringComparison.Ordinal);
        return await client.GetStringAsync(url);
    }

    [GeneratedRegex("""<link rel="stylesheet" href="(?<url>/bundles/site\.[a-z0-9]+\.css)" """)]
    private static partial Regex Stylesheet();
}
