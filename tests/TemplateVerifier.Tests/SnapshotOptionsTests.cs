using System.Text;

namespace TemplateVerifier.Tests;

/// <summary>Scrubbing, std streams, file selection and naming options, with real <c>dotnet new</c> runs.</summary>
public sealed class SnapshotOptionsTests(FixtureHive fixture) : IDisposable
{
    private readonly TempDirectory _snapshots = new();

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
    public async Task ByPathScrubberSeesRelativePathsIncludingStdStreams()
    {
        var seen = new List<string>();
        var scrubbers = Fixture.SecretScrubber.AddScrubber((path, content) =>
        {
            lock (seen)
            {
                seen.Add(path);
            }

            if (path == "verifier-fixture/README.md")
            {
                content.Replace("Hello", "{greeting}");
            }
        });
        var options = Options(scrubbers: scrubbers, verifyCommandOutput: true);

        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        Assert.Contains("std-streams/stdout.txt", seen);
        Assert.Contains("verifier-fixture/.env", seen);
        Assert.Contains("{greeting} from", File.ReadAllText(Path.Combine(VerifiedDirectory(), "verifier-fixture", "README.md")), StringComparison.Ordinal);
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
    public async Task IncludeAndExcludePatternsSelectVerifiedFiles()
    {
        var options = new TemplateVerifierOptions(Fixture.ShortName)
        {
            SettingsDirectory = fixture.Hive.Location,
            SnapshotsDirectory = _snapshots.Path,
            DoNotPrependCallerMethodNameToScenarioName = true,
            VerificationIncludePatterns = ["**/*.md", "**/*.cs", "*.env"],
            VerificationExcludePatterns = ["src/**", "**/src/**"],
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

    [Fact]
    public async Task GivenOutputDirectoryIsKeptAfterAPass()
    {
        var output = _snapshots.Combine("output");
        var options = Options(outputDirectory: output);

        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        Assert.True(File.Exists(Path.Combine(output, "verifier-fixture", "README.md")));
    }

    [Fact]
    public async Task NonEmptyOutputDirectoryIsRejected()
    {
        var output = _snapshots.Combine("output");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "existing.txt"), "x");

        var error = await Assert.ThrowsAsync<TemplateVerificationException>(() => Fixture.Engine.Execute(Options(outputDirectory: output), TestContext.Current.CancellationToken));

        Assert.Equal(TemplateVerificationErrorCode.WorkingDirectoryExists, error.TemplateVerificationErrorCode);
    }

    [Fact]
    public async Task TemplatePathInstallsIntoAThrowawayHive()
    {
        // Installs the fixture into a throwaway hive of its own, as the official package does.
        var options = new TemplateVerifierOptions(Fixture.ShortName)
        {
            TemplatePath = Fixture.TemplateDirectory,
            SnapshotsDirectory = _snapshots.Path,
            DoNotPrependCallerMethodNameToScenarioName = true,
            VerifyCommandOutput = true,
        }.WithCustomScrubbers(Fixture.SecretScrubber);

        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        Assert.True(File.Exists(Path.Combine(VerifiedDirectory(), "verifier-fixture", "README.md")));
    }

    private TemplateVerifierOptions Options(ScrubbersDefinition? scrubbers = null, bool verifyCommandOutput = false, string? outputDirectory = null) =>
        new TemplateVerifierOptions(Fixture.ShortName)
        {
            SettingsDirectory = fixture.Hive.Location,
            SnapshotsDirectory = _snapshots.Path,
            DoNotPrependCallerMethodNameToScenarioName = true,
            VerifyCommandOutput = verifyCommandOutput,
            OutputDirectory = outputDirectory,
        }.WithCustomScrubbers(scrubbers ?? Fixture.SecretScrubber);

    private string VerifiedDirectory() => _snapshots.Combine("verifier-fixture._.verified");

    private string ReceivedDirectory() => _snapshots.Combine("verifier-fixture._.received");
}
