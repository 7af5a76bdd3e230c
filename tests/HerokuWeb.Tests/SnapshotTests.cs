using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;
using TemplateVerifier;

namespace HerokuWeb.Tests;

/// <summary>
/// What users get, file by file, for each option combination: the snapshots under Snapshots/ are
/// the review surface for every change to the template (README: "Accepting snapshot changes").
/// </summary>
public sealed partial class SnapshotTests(TemplatePackage package)
{
    // Files that show how a project name flows through the app; the full snapshots show everything else.
    private static readonly string[] NameSensitiveFiles =
        ["**/Procfile", "**/*.slnx", "**/*.csproj", "**/Program.cs", "**/AppSettings.cs", "**/.env.example"];

    public static TheoryData<string, string[]> OptionCombinations => new()
    {
        { "postgres", ["-n", "MyApp"] },
        { "none", ["-n", "MyApp", "--database", "none"] },
        { "postgres-auth-individual", ["-n", "MyApp", "--auth", "Individual"] },
    };

    public static TheoryData<string> OddNames => ["my-app", "My.App", "2fast", "My Shop"];

    [Theory]
    [MemberData(nameof(OptionCombinations))]
    public Task Generated_app_matches_its_snapshot(string scenario, string[] arguments) =>
        Verify(scenario, arguments, includes: null);

    [Theory]
    [MemberData(nameof(OddNames))]
    public Task Project_name_reaches_every_place_in_its_right_form(string name) =>
        Verify("name-" + name.Replace(' ', '_'), ["-n", name], NameSensitiveFiles);

    [Fact]
    public Task Help_describes_every_option() => Verify("help", ["--help"], includes: null, restore: true);

    // Restoring is left to the tests that build: here it would only add time and network output.
    private Task Verify(string scenario, string[] arguments, string[]? includes, bool restore = false) =>
        new VerificationEngine().Execute(new TemplateVerifierOptions(TemplatePackage.ShortName)
        {
            TemplateSpecificArgs = restore ? arguments : [.. arguments, "--no-restore"],
            SettingsDirectory = package.Hive.Location,
            SnapshotsDirectory = "Snapshots",
            ScenarioName = scenario,
            DoNotAppendTemplateArgsToScenarioName = true,
            DoNotPrependCallerMethodNameToScenarioName = true,
            VerifyCommandOutput = true,
            VerificationIncludePatterns = includes,
        }.WithCustomScrubbers(ScrubbersDefinition.Empty
            .AddScrubber(DevelopmentSecret(), "SECRET_KEY=<generated development secret>")
            .AddScrubber(DevelopmentPort(), "\"applicationUrl\": \"http://localhost:<generated port>\"")));

    // What differs on every run: .env's fresh development secret, and the port launchSettings.json gives
    // `dotnet run` (one per project, as in the SDK's own templates).
    [GeneratedRegex("SECRET_KEY=[0-9a-f]{32}-[0-9a-f]{32}")]
    private static partial Regex DevelopmentSecret();

    [GeneratedRegex("\"applicationUrl\": \"http://localhost:5[0-9]{3}\"")]
    private static partial Regex DevelopmentPort();
}
