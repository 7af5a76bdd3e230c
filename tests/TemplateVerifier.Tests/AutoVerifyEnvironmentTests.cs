namespace TemplateVerifier.Tests;

[CollectionDefinition(nameof(ProcessEnvironmentCollection), DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;

/// <summary>Sets the real process environment variable, so it runs alone.</summary>
[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class AutoVerifyEnvironmentTests(FixtureHive fixture) : IDisposable
{
    private readonly TemporaryDirectory _snapshots = TemporaryDirectory.Create("template-verifier-tests-");

    public void Dispose() => _snapshots.Dispose();

    [Fact]
    public async Task VerifyAutoVerifyAcceptsReceivedOutput()
    {
        var options = new TemplateVerifierOptions(Fixture.ShortName)
        {
            SettingsDirectory = fixture.Hive.Location,
            SnapshotsDirectory = _snapshots.Path,
            DoNotPrependCallerMethodNameToScenarioName = true,
        }.WithCustomScrubbers(Fixture.SecretScrubber);
        var previous = Environment.GetEnvironmentVariable("Verify_AutoVerify");
        Environment.SetEnvironmentVariable("Verify_AutoVerify", "true");
        try
        {
            await new VerificationEngine().Execute(options, TestContext.Current.CancellationToken);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Verify_AutoVerify", previous);
        }

        Assert.True(File.Exists(Path.Combine(_snapshots.Path, "verifier-fixture._.verified", "verifier-fixture", "README.md")));
        Assert.False(Directory.Exists(Path.Combine(_snapshots.Path, "verifier-fixture._.received")));
    }
}
