using System.Net;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// Names with dots, dashes, a leading digit or a space (`dotnet new heroku-web -o "My Shop"` names the
/// app after its directory) must give a consistent assembly, namespace, solution entry and Procfile.
/// </summary>
public sealed class ProjectNameTests(TemplatePackage package, PostgresServer postgres)
{
    public static TheoryData<string, string> Names => new()
    {
        { "my-app", "my_app" },
        { "My.App", "My.App" },
        { "2fast", "_2fast" },
        { "My Shop", "My_Shop" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public async Task The_app_builds_publishes_and_runs_from_its_procfile(string name, string rootNamespace)
    {
        var app = await GeneratedApp.CreateAsync(package, name, [], restore: false);
        Assert.Contains($"<RootNamespace>{rootNamespace}</RootNamespace>", await File.ReadAllTextAsync(app.ProjectPath));
        Assert.Contains($"Path=\"src/{name}/{name}.csproj\"", await File.ReadAllTextAsync(app.SolutionPath));

        // Published first, as Heroku publishes a fresh clone; the Debug build comes after.
        await app.PublishAsync();
        Assert.True(File.Exists(Path.Combine(app.PublishDirectory, name)), $"The publish directory has no executable named '{name}'.");
        await app.BuildAsync();

        await using var web = await app.ReleaseAndStartWebAsync(ConfigVars.Production(await postgres.CreateDatabaseAsync("names")));
        using var client = web.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }
}
