namespace TemplateVerifier.Tests;

/// <summary>Snapshot comparison and acceptance, with real <c>dotnet new</c> runs of the fixture template.</summary>
public sealed class SnapshotComparisonTests(FixtureHive fixture) : IDisposable
{
    // The accepted output of the default scenario, generated once and copied into each test's
    // snapshot directory: saves a dotnet new run per test.
    private static readonly SemaphoreSlim BaselineLock = new(1, 1);
    private static DirectorySnapshot? s_baseline;

    private readonly TemporaryDirectory _snapshots = TemporaryDirectory.Create("template-verifier-tests-");

    public void Dispose() => _snapshots.Dispose();

    [Fact]
    public async Task NewScenarioFailsAndWritesReceivedDirectory()
    {
        var error = await Assert.ThrowsAsync<TemplateVerificationException>(() => Fixture.Engine.Execute(Options(), TestContext.Current.CancellationToken));

        Assert.Equal(TemplateVerificationErrorCode.VerificationFailed, error.TemplateVerificationErrorCode);
        Assert.Contains("New scenario 'verifier-fixture._'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Verify_AutoVerify=true", error.Message, StringComparison.Ordinal);
        Assert.Contains("  + verifier-fixture/.gitignore\n", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(VerifiedDirectory()));
        Assert.Equal(
            ["verifier-fixture/.env", "verifier-fixture/.gitignore", "verifier-fixture/README.md", "verifier-fixture/src/error.cs"],
            DirectorySnapshot.FromDirectory(ReceivedDirectory()).Files.Keys);
    }

    [Fact]
    public async Task MatchingSnapshotPassesAndDeletesStaleReceivedDirectory()
    {
        await WriteBaselineAsync();
        Directory.CreateDirectory(ReceivedDirectory());
        File.WriteAllText(Path.Combine(ReceivedDirectory(), "leftover.txt"), "from an earlier failure");

        await Fixture.Engine.Execute(Options(), TestContext.Current.CancellationToken);

        Assert.False(Directory.Exists(ReceivedDirectory()));
    }

    [Fact]
    public async Task ChangedFileFailsWithADiffNamingTheFile()
    {
        await WriteBaselineAsync();
        var readme = Path.Combine(VerifiedDirectory(), "verifier-fixture", "README.md");
        Assert.Equal("# verifier_fixture\n\nHello from verifier_fixture.\n", File.ReadAllText(readme));
        File.WriteAllText(readme, "# verifier_fixture\n\nGoodbye from verifier_fixture.\n");

        var error = await Assert.ThrowsAsync<TemplateVerificationException>(() => Fixture.Engine.Execute(Options(), TestContext.Current.CancellationToken));

        Assert.Equal(TemplateVerificationErrorCode.VerificationFailed, error.TemplateVerificationErrorCode);
        Assert.Contains("does not match its verified snapshot: 1 file(s) differ", error.Message, StringComparison.Ordinal);
        Assert.Contains("  ~ verifier-fixture/README.md\n", error.Message, StringComparison.Ordinal);
        Assert.Contains(
            "--- verified/verifier-fixture/README.md\n+++ received/verifier-fixture/README.md\n@@ -1,3 +1,3 @@\n # verifier_fixture\n \n-Goodbye from verifier_fixture.\n+Hello from verifier_fixture.\n",
            error.Message,
            StringComparison.Ordinal);
        Assert.Equal("# verifier_fixture\n\nHello from verifier_fixture.\n", File.ReadAllText(Path.Combine(ReceivedDirectory(), "verifier-fixture", "README.md")));
        Assert.Equal("# verifier_fixture\n\nGoodbye from verifier_fixture.\n", File.ReadAllText(readme));
    }

    [Fact]
    public async Task MissingAndExtraFilesFail()
    {
        await WriteBaselineAsync();
        File.Delete(Path.Combine(VerifiedDirectory(), "verifier-fixture", ".gitignore"));
        File.WriteAllText(Path.Combine(VerifiedDirectory(), "verifier-fixture", "Removed.cs"), "class Removed {}\n");

        var error = await Assert.ThrowsAsync<TemplateVerificationException>(() => Fixture.Engine.Execute(Options(), TestContext.Current.CancellationToken));

        Assert.Contains("Added (generated, not in verified):\n  + verifier-fixture/.gitignore\n", error.Message, StringComparison.Ordinal);
        Assert.Contains("Removed (in verified, no longer generated):\n  - verifier-fixture/Removed.cs\n", error.Message, StringComparison.Ordinal);
        Assert.Contains("+++ /dev/null\n@@ -1,1 +1,0 @@\n-class Removed {}\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AutoVerifyRewritesTheVerifiedDirectory()
    {
        var baseline = await WriteBaselineAsync();
        File.WriteAllText(Path.Combine(VerifiedDirectory(), "verifier-fixture", "README.md"), "outdated\n");
        File.WriteAllText(Path.Combine(VerifiedDirectory(), "no-longer-generated.txt"), "stale\n");
        Directory.CreateDirectory(ReceivedDirectory());

        await Fixture.AcceptingEngine.Execute(Options(), TestContext.Current.CancellationToken);

        Assert.True(DirectorySnapshot.Compare(baseline, DirectorySnapshot.FromDirectory(VerifiedDirectory())).AreEqual);
        Assert.False(File.Exists(Path.Combine(VerifiedDirectory(), "no-longer-generated.txt")));
        Assert.False(Directory.Exists(ReceivedDirectory()));
    }

    [Fact]
    public async Task RandomSecretMakesTheSnapshotFailWithoutAScrubber()
    {
        var options = Options(ScrubbersDefinition.Empty);
        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<TemplateVerificationException>(() => Fixture.Engine.Execute(options, TestContext.Current.CancellationToken));

        Assert.Contains("  ~ verifier-fixture/.env\n", error.Message, StringComparison.Ordinal);
        Assert.Matches("(?m)^-SECRET_KEY=[0-9A-F]{32}$", error.Message);
        Assert.Matches("(?m)^\\+SECRET_KEY=[0-9A-F]{32}$", error.Message);
    }

    private async Task<DirectorySnapshot> WriteBaselineAsync()
    {
        await BaselineLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (s_baseline is null)
            {
                using var scratch = TemporaryDirectory.Create("template-verifier-tests-");
                var options = Options();
                await Fixture.AcceptingEngine.Execute(
                    new TemplateVerifierOptions(options.TemplateName)
                    {
                        SettingsDirectory = options.SettingsDirectory,
                        SnapshotsDirectory = scratch.Path,
                        DoNotPrependCallerMethodNameToScenarioName = true,
                    }.WithCustomScrubbers(options.CustomScrubbers!),
                    TestContext.Current.CancellationToken);
                s_baseline = DirectorySnapshot.FromDirectory(Path.Combine(scratch.Path, "verifier-fixture._.verified"));
            }
        }
        finally
        {
            BaselineLock.Release();
        }

        s_baseline.WriteTo(VerifiedDirectory());
        return s_baseline;
    }

    private TemplateVerifierOptions Options(ScrubbersDefinition? scrubbers = null) =>
        new TemplateVerifierOptions(Fixture.ShortName)
        {
            SettingsDirectory = fixture.Hive.Location,
            SnapshotsDirectory = _snapshots.Path,
            DoNotPrependCallerMethodNameToScenarioName = true,
        }.WithCustomScrubbers(scrubbers ?? Fixture.SecretScrubber);

    private string VerifiedDirectory() => Path.Combine(_snapshots.Path, "verifier-fixture._.verified");

    private string ReceivedDirectory() => Path.Combine(_snapshots.Path, "verifier-fixture._.received");
}
