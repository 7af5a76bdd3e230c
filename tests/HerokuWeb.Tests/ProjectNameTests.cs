using System.Net;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// Names with dots, dashes, a leading digit or a space (`dotnet new heroku-web -o "My Shop"` names the
/// app after its directory) must give a consistent assembly, namespace, solution entry and Procfile.
/// Each name is built; the one the Procfile must quote for the shell is also published and run.
/// </summary>
public sealed class ProjectNameTests(TemplatePackage package, PostgresServer postgres)
{
    // One name per way the namespace is made: a character made `_` (`2fast`; `my-app` is the same rule, and its
    // snapshot shows it), a keyword escaped, and dots that make a namespace the app's own code could shadow
    // (`Data.Store`; `My.App`'s snapshot shows plain dots).
    public static TheoryData<string, string> BuiltNames => new()
    {
        { "2fast", "_2fast" },
        { "class", "_class" },
        { "Data.Store", "Data.Store" },
    };

    [Theory]
    [MemberData(nameof(BuiltNames))]
    public async Task The_app_builds_with_warnings_as_errors(string name, string rootNamespace)
    {
        var app = await CreateAsync(name, rootNamespace);

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
