using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>Rules about the generated source that no single behaviour shows.</summary>
public sealed partial class GeneratedCodeTests(TemplatePackage package, PreparedApps apps)
{
    public static TheoryData<string> Scenarios => BuildTests.Scenarios;

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Only_the_settings_type_reads_configuration(string scenario)
    {
        var app = await apps.GeneratedAsync(package, BuildTests.Of(scenario));

        var readers = SourceFiles(Path.Combine(app.Directory, "src"))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}Settings{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
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
