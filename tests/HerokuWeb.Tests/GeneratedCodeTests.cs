using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>Rules about the generated source that no single behaviour shows.</summary>
public sealed partial class GeneratedCodeTests(TemplatePackage package, PreparedApps apps)
{
    private const string Platform = "Heroku.AspNetCore";

    public static TheoryData<string> Scenarios => BuildTests.Scenarios;

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Only_the_settings_types_read_configuration(string scenario)
    {
        var app = await apps.GeneratedAsync(package, BuildTests.Of(scenario));

        // The platform's settings types and the .env reader live in its Settings/; TestDatabase finds the tests' database.
        var readers = CSharpFiles(Path.Combine(app.Directory, "src"))
            .Where(file => !file.Contains($"{Platform}{Path.DirectorySeparatorChar}Settings{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(file => Path.GetFileName(file) != "TestDatabase.cs")
            .Where(file => ConfigurationRead().IsMatch(File.ReadAllText(file)));

        Assert.Empty(readers);
    }

    [Fact]
    public async Task The_app_without_a_database_has_no_database_remains()
    {
        var app = await apps.GeneratedAsync(package, Scenario.NoDatabase);

        var remains = SourceFiles(app.Directory)
            .Where(file => Path.GetFileName(file) != "README.md")
            .Where(file => DatabaseWord().IsMatch(File.ReadAllText(file)))
            .Select(file => Path.GetRelativePath(app.Directory, file));

        Assert.Empty(remains);
    }

    // The app's own project is the user's application; the machinery is in the platform project beneath it.
    [Theory]
    [InlineData("postgres", 450)]
    [InlineData("none", 300)]
    public async Task The_apps_own_project_is_small_and_its_tests_too(string scenario, int maximumLines)
    {
        var app = await apps.GeneratedAsync(package, BuildTests.Of(scenario));

        var appLines = Lines(CSharpFiles(app.ProjectDirectory)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));
        var testLines = Lines(CSharpFiles(Path.Combine(app.Directory, "tests")));

        Assert.True(appLines <= maximumLines, $"The app's own project has {appLines} lines of C#, migrations aside (at most {maximumLines}).");
        Assert.True(testLines <= 500, $"The app's own tests have {testLines} lines of C# (at most 500).");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_app_references_the_platform_which_never_names_the_app(string scenario)
    {
        var app = await apps.GeneratedAsync(package, BuildTests.Of(scenario));
        var platform = Path.Combine(app.Directory, "src", Platform);

        Assert.Contains($"<ProjectReference Include=\"../{Platform}/{Platform}.csproj\" />", await File.ReadAllTextAsync(app.ProjectPath));
        Assert.Contains($"src/{Platform}/{Platform}.csproj", await File.ReadAllTextAsync(app.SolutionPath));
        var appCode = new Regex($@"\b{Regex.Escape(app.Name)}\b|\bAppSettings\b|\bAppDbContext\b");
        Assert.DoesNotContain(CSharpFiles(platform), file => appCode.IsMatch(File.ReadAllText(file)));
        Assert.Empty(Directory.EnumerateFiles(platform, "*.cshtml", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(platform, "Migrations")));
    }

    private static int Lines(IEnumerable<string> files) => files.Sum(file => File.ReadAllLines(file).Length);

    private static IEnumerable<string> CSharpFiles(string directory) =>
        SourceFiles(directory).Where(file => file.EndsWith(".cs", StringComparison.Ordinal));

    private static IEnumerable<string> SourceFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    // ASP.NET Core's own settings (WebHostDefaults keys such as "urls") are not the app's variables.
    [GeneratedRegex(@"Configuration\[(?!WebHostDefaults\.)|\.GetValue<|\.GetSection\(|GetConnectionString\(|GetEnvironmentVariable\(")]
    private static partial Regex ConfigurationRead();

    [GeneratedRegex(@"Npgsql|EntityFramework|DbContext|DATABASE_URL|Postgre|[Mm]igrat|Guestbook", RegexOptions.None)]
    private static partial Regex DatabaseWord();
}
