namespace TemplateVerifier.Tests;

/// <summary>The one process runner, and <c>dotnet</c> run through it, with real processes.</summary>
public class ProcessRunnerTests
{
    [Fact]
    public async Task RunsTheRealDotnet()
    {
        var result = await DotnetCli.RunAsync(["--version"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Matches(@"^\d+\.\d+\.\d+", result.StandardOutput);
    }

    [Fact]
    public async Task PassesEachArgumentUnsplitAndUnquoted()
    {
        var result = await RunTool("/usr/bin/printf", ["%s|", "a b", "\"quoted\"", "$HOME", ""]);

        Assert.Equal("a b|\"quoted\"|$HOME||", result.StandardOutput);
    }

    [Fact]
    public async Task ChildGetsCliDefaultsWithoutTheTestHostsMSBuildVariables()
    {
        var options = new DotnetCommandOptions
        {
            DotnetExecutablePath = "/usr/bin/env",
            Environment = new Dictionary<string, string?> { ["CUSTOM_VALUE"] = "42", ["HOME_REMOVED"] = null },
        };

        var result = await DotnetCli.RunAsync([], options: options, cancellationToken: TestContext.Current.CancellationToken);
        var variables = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.DoesNotContain(variables, v => v.StartsWith("HOME_REMOVED=", StringComparison.Ordinal));
        Assert.Contains("DOTNET_CLI_TELEMETRY_OPTOUT=1", variables);
        Assert.Contains("DOTNET_NOLOGO=1", variables);
        Assert.Contains("DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1", variables);
        Assert.Contains("CUSTOM_VALUE=42", variables);
        Assert.DoesNotContain(variables, v => v.StartsWith("MSBuildSDKsPath=", StringComparison.Ordinal) || v.StartsWith("MSBuildExtensionsPath=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CapturesBothStreamsAndTheExitCode()
    {
        var result = await RunTool("/bin/sh", ["-c", "echo out; echo 'error: boom' >&2; exit 3"]);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.StandardOutput);
        Assert.Equal("error: boom\n", result.StandardError);
        Assert.Equal("out\nerror: boom\n", result.Output);
        var error = Assert.Throws<ProcessFailedException>(() => result.EnsureSuccess());
        Assert.Contains("Exit code: 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("error: boom", error.Message, StringComparison.Ordinal);
        Assert.Same(result, error.Result);
    }

    [Fact]
    public async Task StdinIsClosedSoPromptsCannotHang()
    {
        var result = await RunTool("/bin/cat", []);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.StandardOutput);
    }

    [Fact]
    public async Task TimeoutKillsTheProcess()
    {
        SkipUnlessExists("/bin/sleep");
        var options = new DotnetCommandOptions { DotnetExecutablePath = "/bin/sleep", Timeout = TimeSpan.FromMilliseconds(300) };
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<TimeoutException>(() => DotnetCli.RunAsync(["30"], options: options, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("did not finish within", error.Message, StringComparison.Ordinal);
        // Well under the 10 s the engine waits for output pipes: a sleep left running would hold them open.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task CancellationKillsTheProcess()
    {
        SkipUnlessExists("/bin/sleep");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = DateTime.UtcNow;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => DotnetCli.RunAsync(["30"], options: new DotnetCommandOptions { DotnetExecutablePath = "/bin/sleep" }, cancellationToken: cancellation.Token));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ACleanEnvironmentHasOnlyTheGivenVariablesAndEmptyRemovesOne()
    {
        SkipUnlessExists("/usr/bin/env");
        var environment = new Dictionary<string, string> { ["ONLY"] = "this", ["EMPTY"] = "" };

        var result = (await ProcessRunner.RunAsync("/usr/bin/env", [], "/", environment, clean: true, cancellationToken: TestContext.Current.CancellationToken)).EnsureSuccess();

        Assert.Equal("ONLY=this\n", result.StandardOutput);
    }

    [Fact]
    public async Task AnInheritedVariableIsRemovedByAnEmptyValue()
    {
        SkipUnlessExists("/usr/bin/env");
        var environment = new Dictionary<string, string> { ["PATH"] = "", ["ADDED"] = "1" };

        var result = (await ProcessRunner.RunAsync("/usr/bin/env", [], "/", environment, cancellationToken: TestContext.Current.CancellationToken)).EnsureSuccess();
        var variables = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains("ADDED=1", variables);
        Assert.Contains(variables, v => v.StartsWith("HOME=", StringComparison.Ordinal));
        Assert.DoesNotContain(variables, v => v.StartsWith("PATH=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OtherProgramsFailOnTheirExitCodeOnly()
    {
        var result = await ProcessRunner.RunAsync("/bin/sh", ["-c", "echo 'error: not fatal' >&2"], "/", cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Empty(result.ErrorLines);
        Assert.Equal("sh -c \"echo 'error: not fatal' >&2\"", result.Command);
    }

    private static Task<ProcessResult> RunTool(string tool, string[] args)
    {
        SkipUnlessExists(tool);
        return DotnetCli.RunAsync(args, options: new DotnetCommandOptions { DotnetExecutablePath = tool }, cancellationToken: TestContext.Current.CancellationToken);
    }

    private static void SkipUnlessExists(string tool) =>
        Assert.SkipUnless(File.Exists(tool), $"{tool} is not available on this OS.");
}
