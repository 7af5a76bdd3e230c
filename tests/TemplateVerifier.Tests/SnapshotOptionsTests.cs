using System.Text;

namespace TemplateVerifier.Tests;

/// <summary>Scrubbing, std streams, file selection and naming options, with real <c>dotnet new</c> runs.</summary>
public sealed class SnapshotOptionsTests(FixtureHive fixture) : IDisposable
{
    private readonly TemporaryDirectory _snapshots = TemporaryDirectory.Create("template-verifier-tests-");

    public void Dispose() => _snapshots.Dispose();

    [Fact]
    public async Task ScrubberMakesTheRandomSecretStable()
    {
        var options = Options();
        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        await Fixture.Engine.Execute(options, TestContext.Current.CancellationToken);

        Assert.Equal(
            "# Development settings: never commit real values.\nSECRET_KEY={scrubbed}\n",
            File.ReadAllText(Path.Combine(VerifiedDirectory(), "verifier-fixture", ".env")));
    }

    [Fact]
    public async Task CommandOutputIsStoredAsStdStreams()
    {
        var options = Options(verifyCommandOutput: true);

        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        var verified = DirectorySnapshot.FromDirectory(VerifiedDirectory());
        Assert.Contains("std-streams/stdout.txt", verified.Files.Keys);
        Assert.Equal(
            "The template \"TemplateVerifier test fixture\" was created successfully.\n\n",
            Encoding.UTF8.GetString(verified.Files["std-streams/stdout.txt"]));
        Assert.Empty(verified.Files["std-streams/stderr.txt"]);
    }

    [Fact]
    public async Task IncludePatternsSelectVerifiedFiles()
    {
        var options = new TemplateVerifierOptions(Fixture.ShortName)
        {
            SettingsDirectory = fixture.Hive.Location,
            SnapshotsDirectory = _snapshots.Path,
            DoNotPrependCallerMethodNameToScenarioName = true,
            VerificationIncludePatterns = ["**/*.md", "**/.env"],
        }.WithCustomScrubbers(Fixture.SecretScrubber);

        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        Assert.Equal(["verifier-fixture/.env", "verifier-fixture/README.md"], DirectorySnapshot.FromDirectory(VerifiedDirectory()).Files.Keys);
    }

    [Fact]
    public async Task CallerMethodNamePrefixesTheSnapshotByDefault()
    {
        var options = new TemplateVerifierOptions(Fixture.ShortName)
        {
            SettingsDirectory = fixture.Hive.Location,
            SnapshotsDirectory = _snapshots.Path,
            TemplateSpecificArgs = ["--greeting", "Hi"],
        }.WithCustomScrubbers(Fixture.SecretScrubber);

        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        var name = Path.GetFileName(Assert.Single(Directory.GetDirectories(_snapshots.Path)));
        Assert.Equal($"{nameof(CallerMethodNamePrefixesTheSnapshotByDefault)}.verifier-fixture.--greeting#Hi.verified", name);
        Assert.Contains("Hi from", File.ReadAllText(Path.Combine(_snapshots.Path, name, "verifier-fixture", "README.md")), StringComparison.Ordinal);
    }

    private TemplateVerifierOptions Options(bool verifyCommandOutput = false) =>
        new TemplateVerifierOptions(Fixture.ShortName)
        {
            SettingsDirectory = fixture.Hive.Location,
            SnapshotsDirectory = _snapshots.Path,
            DoNotPrependCallerMethodNameToScenarioName = true,
            VerifyCommandOutput = verifyCommandOutput,
        }.WithCustomScrubbers(Fixture.SecretScrubber);

    private string VerifiedDirectory() => Path.Combine(_snapshots.Path, "verifier-fixture._.verified");
}
