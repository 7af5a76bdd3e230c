using System.Globalization;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;
using TemplateVerifier;

namespace HerokuWeb.Tests;

/// <summary>`dotnet watch`, as the README says to run it, rebuilds the bundles when a source changes and restarts the app.</summary>
public sealed partial class WatchTests(TemplatePackage package, PreparedApps apps)
{
    private const string Watch = "dotnet watch --no-hot-reload";

    [Fact]
    public async Task Saving_a_stylesheet_under_dotnet_watch_changes_the_fingerprinted_bundle_the_page_links()
    {
        // A clone of its own: this test edits a source, which no other test may see.
        var generated = await apps.GeneratedAsync(package, Scenario.NoDatabase);
        Assert.Contains($"`{Watch}`", await File.ReadAllTextAsync(Path.Combine(generated.Directory, "README.md")), StringComparison.Ordinal);
        var app = generated.CleanCopy();
        File.Copy(Path.Combine(generated.Directory, ".env"), Path.Combine(app.Directory, ".env"));
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
        await using var watch = AppProcess.Start($"exec {Watch} --non-interactive run", app.ProjectDirectory, environment, port, clean: false);
        // dotnet watch builds both projects of the clean copy first: more than a dyno's start on a busy machine.
        await watch.WaitUntilHealthyAsync(timeout: TimeSpan.FromMinutes(4));
        using var client = watch.CreateClient(forwardedAsHttps: false);
        var (before, _) = await StylesheetAsync(client);

        await File.AppendAllTextAsync(Path.Combine(app.ProjectDirectory, "Assets", "css", "components.css"), "\n.watched-edit { color: red; }\n");

        // The rebuild and restart take a while on a busy machine; a refused connection is the app restarting.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The page never linked a rebuilt bundle (still {before}).\n{watch.Output}");
            await Task.Delay(500);
            try
            {
                var (url, css) = await StylesheetAsync(client);
                if (url != before && css.Contains(".watched-edit", StringComparison.Ordinal))
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
        }
    }

    // The stylesheet the home page links, as a browser fetches it after a refresh.
    private static async Task<(string Url, string Css)> StylesheetAsync(HttpClient client)
    {
        var url = Stylesheet().Match(await client.GetStringAsync("/")).Groups["url"].Value;
        Assert.StartsWith("/bundles/site.", url, StringComparison.Ordinal);
        return (url, await client.GetStringAsync(url));
    }

    [GeneratedRegex("""<link rel="stylesheet" href="(?<url>/bundles/site\.[a-z0-9]+\.css)" """)]
    private static partial Regex Stylesheet();
}
