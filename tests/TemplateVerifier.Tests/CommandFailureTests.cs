using System.Text;

namespace TemplateVerifier.Tests;

/// <summary>How failing (and expected-to-fail) <c>dotnet new</c> commands are detected, with real runs.</summary>
public sealed class CommandFailureTests(FixtureHive fixture) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task UnknownOptionFailsWithTheErrorText()
    {
        var error = await Assert.ThrowsAsync<TemplateVerificationException>(() => Fixture.Engine.Execute(Options(["--bogus"]), TestContext.Current.CancellationToken));

        Assert.Equal(TemplateVerificationErrorCode.InstantiationFailed, error.TemplateVerificationErrorCode);
        Assert.Contains("Exit code: 127", error.Message, StringComparison.Ordinal);
        Assert.Contains("Error text found:\n  Error: Invalid option(s):", error.Message, StringComparison.Ordinal);
        Assert.Contains("'--bogus' is not a valid option", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.Combine("verifier-fixture.--bogus.received")));
    }

    [Fact]
    public async Task NonZeroExitCodeFailsEvenWithoutErrorText()
    {
        // dotnet new refuses to overwrite existing files with exit code 73 and no "Error:" line.
        var output = _temp.Combine("output");
        Directory.CreateDirectory(Path.Combine(output, "verifier-fixture"));
        File.WriteAllText(Path.Combine(output, "verifier-fixture", "README.md"), "mine");
        var options = Options([], outputDirectory: output, ensureEmptyOutputDirectory: false);

        var error = await Assert.ThrowsAsync<TemplateVerificationException>(() => Fixture.Engine.Execute(options, TestContext.Current.CancellationToken));

        Assert.Equal(TemplateVerificationErrorCode.InstantiationFailed, error.TemplateVerificationErrorCode);
        Assert.Contains("Exit code: 73", error.Message, StringComparison.Ordinal);
        Assert.Contains("Creating this template will make changes to existing files", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpectedFailureIsVerifiedThroughItsOutput()
    {
        var options = Options(["--bogus"], expectedToFail: true);

        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        var verified = DirectorySnapshot.FromDirectory(_temp.Combine("verifier-fixture.--bogus.verified"));
        Assert.Equal(["std-streams/stderr.txt", "std-streams/stdout.txt"], verified.Files.Keys);
        Assert.StartsWith("Error: Invalid option(s):\n--bogus\n", Encoding.UTF8.GetString(verified.Files["std-streams/stderr.txt"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpectedFailureThatPassesFails()
    {
        var error = await Assert.ThrowsAsync<TemplateVerificationException>(
            () => Fixture.Engine.Execute(Options([], expectedToFail: true), TestContext.Current.CancellationToken));

        Assert.Equal(TemplateVerificationErrorCode.VerificationFailed, error.TemplateVerificationErrorCode);
        Assert.Contains("expected to fail, but it passed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedRestoreFailsAlthoughTheExitCodeIsZero()
    {
        var result = await fixture.Hive.InstantiateAsync(Fixture.ShortName, ["--brokenProject"], ensureSuccess: false, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        Assert.False(result.Succeeded);
        Assert.Equal(["Restore failed.", "Post action failed."], result.ErrorLines.Where(line => !line.Contains("error MSB4025", StringComparison.Ordinal)));
        Assert.Contains(result.ErrorLines, line => line.Contains(": error MSB4025:", StringComparison.Ordinal));
        var error = Assert.Throws<DotnetCommandException>(() => result.EnsureSuccess());
        Assert.Contains("Restore failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutputAndHivePathsAreScrubbedFromStdStreams()
    {
        var output = _temp.Combine("output");
        Directory.CreateDirectory(Path.Combine(output, "verifier-fixture"));
        File.WriteAllText(Path.Combine(output, "verifier-fixture", "README.md"), "mine");
        var options = Options(["--brokenProject"], expectedToFail: true, outputDirectory: output, ensureEmptyOutputDirectory: false);

        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        var verifiedDirectory = _temp.Combine("verifier-fixture.--brokenProject.verified");
        var stderr = File.ReadAllText(Path.Combine(verifiedDirectory, "std-streams", "stderr.txt"));
        Assert.Contains(
            "dotnet new verifier-fixture --brokenProject -n verifier-fixture -o verifier-fixture --no-update-check --debug:custom-hive {SettingsDirectory} --force",
            stderr,
            StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Hive.Location, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreOutputMentionsTheScrubbedOutputDirectory()
    {
        var options = Options(["--brokenProject"], expectedToFail: true);

        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        var stdout = File.ReadAllText(_temp.Combine("verifier-fixture.--brokenProject.verified", "std-streams", "stdout.txt"));
        Assert.Contains("Restoring {OutputDirectory}/verifier-fixture/Broken.csproj:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratedFileNamedErrorIsNotAnError()
    {
        var options = Options(["--dry-run"]);

        await Fixture.AcceptingEngine.Execute(options, TestContext.Current.CancellationToken);

        var stdout = File.ReadAllText(_temp.Combine("verifier-fixture.--dry-run.verified", "std-streams", "stdout.txt"));
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

    private TemplateVerifierOptions Options(string[] args, bool expectedToFail = false, string? outputDirectory = null, bool ensureEmptyOutputDirectory = true) =>
        new TemplateVerifierOptions(Fixture.ShortName)
        {
            SettingsDirectory = fixture.Hive.Location,
            SnapshotsDirectory = _temp.Path,
            DoNotPrependCallerMethodNameToScenarioName = true,
            TemplateSpecificArgs = args,
            IsCommandExpectedToFail = expectedToFail,
            VerifyCommandOutput = true,
            OutputDirectory = outputDirectory,
            EnsureEmptyOutputDirectory = ensureEmptyOutputDirectory,
        }.WithCustomScrubbers(Fixture.SecretScrubber);
}
