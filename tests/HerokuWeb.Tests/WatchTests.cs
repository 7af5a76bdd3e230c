using System.Globalization;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;
using TemplateVerifier;

namespace HerokuWeb.Tests;

/// <summary>`dotnet watch` rebuilds the bundles when a source changes, and the running app serves the new ones.</summary>
public sealed class WatchTests(TemplatePackage package, PreparedApps apps)
{
    [Fact]
    public async Task Editing_a_bundle_source_under_dotnet_watch_changes_the_stylesheet_the_page_links()
    {
        // A clone of its own: this test edits a source, which no other test may see.
        var generated = await apps.GeneratedAsync(package, Scenario.NoDatabase);
        var app = generated.CleanCopy();
        File.Copy(Path.Combine(generated.Directory, ".env"), Path.Combine(app.Directory, ".env"));
        (await app.DotnetAsync(["build", Path.GetFileName(app.SolutionPath)])).EnsureSuccess();
        var port = Ports.Free();
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            // Shared machines run out of inotify instances; polling sees the same edits.
            ["DOTNET_USE_POLLING_FILE_WATCHER"] = "1",
        };
        foreach (var variable in DotnetCli.InheritedMSBuildVariables)
        {
            environment[variable] = "";
        }
        await using var watch = AppProcess.Start("exec dotnet watch --non-interactive run", app.ProjectDirectory, environment, port, clean: false);
        await watch.WaitUntilHealthyAsync();
        using var client = watch.CreateClient(forwardedAsHttps: false);
        Assert.DoesNotContain(".watched-edit", await StylesheetAsync(client), StringComparison.Ordinal);

        await File.AppendAllTextAsync(Path.Combine(app.ProjectDirectory, "wwwroot", "css", "components.css"), "\n.watched-edit { color: red; }\n");

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!(await StylesheetAsync(client)).Contains(".watched-edit", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "dotnet watch never rebuilt the bundle.\n" + watch.Output);
            await Task.Delay(500);
        }
    }

    // The stylesheet the home page links, as a browser would fetch it after a reload.
    private static async Task<string> StylesheetAsync(HttpClient client)
    {
        var html = await client.GetStringAsync("/");
        var href = Regex.Match(html, "href=\"(/bundles/site\\.[a-z0-9]+\\.css)\"").Groups[1].Value;
        Assert.StartsWith("/bundles/site.", href, StringComparison.Ordinal);
        return await client.GetStringAsync(href);
    }
}
