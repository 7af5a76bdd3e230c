namespace TemplateVerifier.Tests;

/// <summary>
/// The full default flow: a snapshot committed under Snapshots/ next to this file, named after this
/// test method. Run with Verify_AutoVerify=true to regenerate it after changing the fixture.
/// </summary>
public sealed class CommittedSnapshotTests(FixtureHive fixture)
{
    [Fact]
    public Task FixtureMatchesCommittedSnapshot() =>
        new VerificationEngine(TestContext.Current.TestOutputHelper!.WriteLine).Execute(
            new TemplateVerifierOptions(Fixture.ShortName)
            {
                SettingsDirectory = fixture.Hive.Location,
                TemplateSpecificArgs = ["--greeting", "Hi"],
                VerifyCommandOutput = true,
            }.WithCustomScrubbers(Fixture.SecretScrubber),
            TestContext.Current.CancellationToken);
}
