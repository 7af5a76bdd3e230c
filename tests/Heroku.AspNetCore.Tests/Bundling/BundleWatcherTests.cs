namespace Heroku.AspNetCore.Tests.Bundling;

/// <summary>In Development, a saved source rewrites its bundle, on disk, as an unminified build writes it.</summary>
public sealed class BundleWatcherTests
{
    [Fact]
    public async Task Saving_a_source_rewrites_its_bundle_as_the_build_would()
    {
        using var project = TemporaryDirectory.Create("heroku-bundle-watcher-");
        var scripts = Directory.CreateDirectory(Path.Combine(project.Path, "Assets", "js")).FullName;
        await File.WriteAllTextAsync(Path.Combine(scripts, "theme.js"), "const theme = 'light'\n");
        await File.WriteAllTextAsync(Path.Combine(scripts, "forms.js"), "const forms = 1;\n");
        var bundlePath = Path.Combine(Directory.CreateDirectory(Path.Combine(project.Path, "obj", "bundling", "bundles")).FullName, "site.js");
        await File.WriteAllTextAsync(bundlePath, "/* as the build left it */\n");
        var bundle = new BundleWatcher.Bundle(bundlePath, project.Path, ["Assets/js/theme.js", "Assets/js/forms.js"]);
        using var watcher = new BundleWatcher([bundle], Microsoft.Extensions.Logging.Abstractions.NullLogger<BundleWatcher>.Instance);
        await watcher.StartAsync(CancellationToken.None);

        await File.WriteAllTextAsync(Path.Combine(scripts, "forms.js"), "const forms = 2\n\n");

        // What Bundling.targets writes without minifying: each source after a comment naming it, each script ended by ';'.
        const string expected = "/* Assets/js/theme.js */\nconst theme = 'light';\n\n/* Assets/js/forms.js */\nconst forms = 2;\n\n";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await File.ReadAllTextAsync(bundlePath) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, "The bundle was not rewritten:\n" + await File.ReadAllTextAsync(bundlePath));
            await Task.Delay(100);
        }
    }
}
