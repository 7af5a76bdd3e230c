namespace TemplateVerifier.Tests;

/// <summary>How failing <c>dotnet new</c> commands are detected, with real runs.</summary>
public sealed class CommandFailureTests(FixtureHive fixture) : IDisposable
{
    private readonly TemporaryDirectory _temp = TemporaryDirectory.Create("template-verifier-tests-");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task UnknownOptionFailsWithTheErrorText()
    {
        var error = await Assert.ThrowsAsync<TemplateVerificationException>(() => Fixture.Engine.Execute(Options(["--bogus"]), TestContext.Current.CancellationToken));

        Assert.Equal(TemplateVerificationErrorCode.InstantiationFailed, error.TemplateVerificationErrorCode);
        Assert.Contains("Exit code: 127", error.Message, StringComparison.Ordinal);
        Assert.Contains("Error text found:\n  Error: Invalid option(s):", error.Message, StringComparison.Ordinal);
        Assert.Contains("'--bogus' is not a valid option", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_temp.Path, "verifier-fixture.--bogus.received")));
    }

    [Fact]
    public async Task FailedRestoreFailsAlthoughTheExitCodeIsZero()
    {
        var result = await fixture.Hive.InstantiateAsync(Fixture.ShortName, ["--brokenProject"], ensureSuccess: false, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.Equal(["Restore failed.", "Post action failed."], result.ErrorLines.Where(line => !line.Contains("error MSB4025", StringComparison.Ordinal)));
        Assert.Contains(result.ErrorLines, line => line.Contains(": error MSB4025:", StringComparison.Ordinal));
        var error = Assert.Throws<ProcessFailedException>(() => result.EnsureSuccess());
        Assert.Contains("Restore failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratedFileNamedErrorIsNotAnError()
    {
        var options = Options(["--dry-run"]);

        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        var stdout = File.ReadAllText(Path.Combine(_temp.Path, "verifier-fixture.--dry-run.verified", "std-streams", "stdout.txt"));
        Assert.Contains("Create: verifier-fixture/src/error.cs", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownTemplateIsReportedAsSuch()
    {
        var options = new TemplateVerifierOptions("no-such-template")
        {
            SettingsDirectory = fixture.Hive.Location,
            SnapshotsDirectory = _temp.Path,
        };

        var error = await Assert.ThrowsAsync<TemplateVerificationException>(() => Fixture.Engine.Execute(options, TestContext.Current.CancellationToken));

        Assert.Equal(TemplateVerificationErrorCode.TemplateDoesNotExist, error.TemplateVerificationErrorCode);
        Assert.Contains("No templates or subcommands found matching: 'no-such-template'", error.Message, StringComparison.Ordinal);
    }

    private TemplateVerifierOptions Options(string[] args) =>
        new TemplateVerifierOptions(Fixture.ShortName)
        {
            SettingsDirectory = fixture.Hive.Location,
            SnapshotsDirectory = _temp.Path,
            DoNotPrependCallerMethodNameToScenarioName = true,
            TemplateSpecificArgs = args,
            VerifyCommandOutput = true,
        }.WithCustomScrubbers(Fixture.SecretScrubber);
}
