using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// `dotnet new` refuses no name: a C# keyword, or a name the app's own code would mistake for its namespace,
/// gets a namespace with a leading underscore (as a leading digit does), and the platform project's own name
/// gets `.App` on the app's project. Generated without restoring; ProjectNameTests builds some of them.
/// </summary>
public sealed class ReservedNameTests(TemplatePackage package)
{
    public static TheoryData<string, string, string> Names => new()
    {
        { "class", "class", "_class" },
        { "My.namespace", "My.namespace", "My._namespace" },
        { "Program", "Program", "_Program" },
        { "AppSettings", "AppSettings", "_AppSettings" },
        { "Classroom", "Classroom", "Classroom" },
        { "Data", "Data", "Data" },
        { "Heroku.Web", "Heroku.Web", "Heroku.Web" },
        { "Heroku.AspNetCore", "Heroku.AspNetCore.App", "Heroku.AspNetCore.App" },
        { "heroku.aspnetcore", "heroku.aspnetcore.App", "heroku.aspnetcore.App" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Is_accepted_with_a_project_and_namespace_that_build(string name, string project, string rootNamespace)
    {
        var result = await package.Hive.InstantiateAsync(TemplatePackage.ShortName, ["-n", name, "--no-restore"], ensureSuccess: false);

        Assert.True(result.ExitCode == 0, result.ToString());
        var projectPath = Path.Combine(result.WorkingDirectory, name, "src", project, project + ".csproj");
        Assert.True(File.Exists(projectPath), $"No {projectPath}.");
        Assert.Contains($"<RootNamespace>{rootNamespace}</RootNamespace>", await File.ReadAllTextAsync(projectPath), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(result.WorkingDirectory, name, "src", "Heroku.AspNetCore", "Heroku.AspNetCore.csproj")));
    }
}
