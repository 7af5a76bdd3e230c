using System.Net;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// Names with dots, dashes, a leading digit or a space (`dotnet new heroku-web -o "My Shop"` names the
/// app after its directory) must give a consistent assembly, namespace, solution entry and Procfile.
/// One name with the other rules is built; the one the Procfile must quote for the shell is published and run.
/// </summary>
public sealed class ProjectNameTests(TemplatePackage package, PostgresServer postgres)
{
    // One name, built once, with every way the namespace is made: a character made `_` (`2fast`; `my-app` is the same
    // rule, and its snapshot shows it), a keyword escaped (`class`), and dots that make a namespace the app's own code
    // could shadow (`Data`, the app's `Data` folder; `My.App`'s snapshot shows plain dots).
    [Fact]
    public async Task An_app_named_with_a_leading_digit_a_keyword_and_a_shadowing_segment_builds_with_warnings_as_errors()
    {
        var app = await CreateAsync("Data.2fast.class", "Data._2fast._class");

        await app.BuildAsync();
    }

    [Fact]
    public async Task An_app_named_with_a_space_publishes_and_runs_from_its_procfile()
    {
        var app = await CreateAsync("My Shop", "My_Shop");

        // Published as Heroku publishes a fresh clone: nothing built before.
        await app.PublishAsync();
        Assert.True(File.Exists(Path.Combine(app.PublishDirectory, app.Name)), $"The publish directory has no executable named '{app.Name}'.");

        await using var web = await app.ReleaseAndStartWebAsync(ConfigVars.Production(await postgres.CreateDatabaseAsync("names")));
        using var client = web.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    private async Task<GeneratedApp> CreateAsync(string name, string rootNamespace)
    {
        var app = await GeneratedApp.CreateAsync(package, name, [], restore: false);
        Assert.Contains($"<RootNamespace>{rootNamespace}</RootNamespace>", await File.ReadAllTextAsync(app.ProjectPath));
        Assert.Contains($"Path=\"src/{name}/{name}.csproj\"", await File.ReadAllTextAsync(app.SolutionPath));
        return app;
    }
}
