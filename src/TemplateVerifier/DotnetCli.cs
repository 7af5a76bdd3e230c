using System.Text.RegularExpressions;

namespace TemplateVerifier;

/// <summary>How <see cref="DotnetCli"/> runs a <c>dotnet</c> command.</summary>
public sealed class DotnetCommandOptions
{
    /// <summary>Options with every default.</summary>
    public static DotnetCommandOptions Default { get; } = new();

    /// <summary>
    /// The <c>dotnet</c> executable. Defaults to <c>DOTNET_HOST_PATH</c> (the host running the tests,
    /// so the same SDK) when set, else <c>dotnet</c> from <c>PATH</c>.
    /// </summary>
    public string? DotnetExecutablePath { get; init; }

    /// <summary>Extra environment variables for the child process; a null or empty value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>How long the command may run before it (and its child processes) is killed. Defaults to 5 minutes.</summary>
    public TimeSpan Timeout { get; init; } = ProcessRunner.DefaultTimeout;
}

/// <summary>Runs <c>dotnet</c> through <see cref="ProcessRunner"/>, with a fixed CLI environment and error detection.</summary>
public static class DotnetCli
{
    /// <summary>
    /// Variables every child gets: no telemetry, banner, first-run work or workload update notices, and
    /// English messages, so error detection and std-stream snapshots don't depend on the machine.
    /// </summary>
    private static IReadOnlyDictionary<string, string> DefaultEnvironment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["DOTNET_CLI_UI_LANGUAGE"] = "en",
        ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "true",
    };

    /// <summary>
    /// Variables that <c>dotnet test</c> points at its own SDK for the test host; every child is started
    /// without them, because a generated app must resolve its SDK itself (it may have its own global.json).
    /// </summary>
    public static IReadOnlyList<string> InheritedMSBuildVariables { get; } =
    [
        "MSBuildExtensionsPath",
        "MSBuildSDKsPath",
        "MSBUILD_EXE_PATH",
        "MSBuildLoadMicrosoftTargetsReadOnly",
        "_MSBUILDTLENABLED",
    ];

    /// <summary>
    /// Runs <c>dotnet &lt;arguments&gt;</c> in <paramref name="workingDirectory"/> (each argument passed
    /// as is, no shell), with stdin closed so nothing can wait for input. Besides a non-zero exit code,
    /// error text in the output fails the result (see <see cref="DotnetOutput"/>).
    /// Does not throw on failure: inspect the result or call <see cref="ProcessResult.EnsureSuccess"/>.
    /// </summary>
    /// <param name="arguments">Arguments after <c>dotnet</c>, e.g. <c>["build", "-c", "Release"]</c>.</param>
    /// <param name="workingDirectory">The child's working directory; the current directory when null.</param>
    /// <param name="options">Executable, environment and timeout.</param>
    /// <param name="cancellationToken">Kills the process tree when cancelled.</param>
    /// <exception cref="TimeoutException">The command ran longer than <see cref="DotnetCommandOptions.Timeout"/>; the message has the output so far.</exception>
    public static Task<ProcessResult> RunAsync(
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        DotnetCommandOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= DotnetCommandOptions.Default;
        var environment = InheritedMSBuildVariables.Select(name => (name, (string?)null))
            .Concat(DefaultEnvironment.Select(pair => (pair.Key, (string?)pair.Value)))
            .Concat((options.Environment ?? new Dictionary<string, string?>()).Select(pair => (pair.Key, pair.Value)));
        var startInfo = ProcessRunner.StartInfo(
            ResolveDotnet(options.DotnetExecutablePath), arguments, workingDirectory ?? Directory.GetCurrentDirectory(), environment, clean: false);
        return ProcessRunner.RunAsync(startInfo, options.Timeout, findErrorLines: true, cancellationToken);
    }

    private static string ResolveDotnet(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return explicitPath;
        }

        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : "dotnet";
    }
}

/// <summary>Recognises failure reported in <c>dotnet</c> output, including failures that still exit with 0.</summary>
internal static partial class DotnetOutput
{
    // A restore post action that fails still leaves dotnet new with exit code 0.
    private static readonly string[] FailurePhrases = ["Restore failed", "Post action failed"];

    /// <summary>
    /// Returns the lines of <paramref name="stdOut"/> and <paramref name="stdErr"/> that report an error:
    /// lines starting with <c>Error:</c> (how <c>dotnet new</c> reports its errors), MSBuild/compiler/NuGet
    /// diagnostics (<c>error CS1002:</c>, <c>: error :</c>), and <c>Restore failed</c> /
    /// <c>Post action failed</c> (post-action failures that still exit with 0).
    /// </summary>
    /// <param name="stdOut">Standard output.</param>
    /// <param name="stdErr">Standard error.</param>
    public static IReadOnlyList<string> FindErrorLines(string stdOut, string stdErr)
    {
        ArgumentNullException.ThrowIfNull(stdOut);
        ArgumentNullException.ThrowIfNull(stdErr);
        return stdOut.ReplaceLineEndings("\n").Split('\n')
            .Concat(stdErr.ReplaceLineEndings("\n").Split('\n'))
            .Where(IsErrorLine)
            .Select(line => line.Trim())
            .ToList();
    }

    /// <summary>True when one line of output reports an error (see <see cref="FindErrorLines"/>).</summary>
    /// <param name="line">One line, without its terminator.</param>
    public static bool IsErrorLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return CliError().IsMatch(line)
            || MSBuildError().IsMatch(line)
            || FailurePhrases.Any(phrase => line.Contains(phrase, StringComparison.OrdinalIgnoreCase));
    }

    // dotnet new's own errors: "Error: Invalid option(s):". Anchored at the line start so that
    // a generated file such as error.cs or Error.txt listed in the output is not taken for one.
    [GeneratedRegex(@"^\s*error\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CliError();

    // MSBuild canonical diagnostics, always lowercase "error":
    // "Program.cs(3,1): error CS1002: ...", "error NU1101: ...", "app.csproj : error : ...".
    [GeneratedRegex(@"(?:^|\s)error [A-Z]+[0-9]+\s*:|\)\s*:\s*error\b[^:]*:|\s:\s+error\s*:", RegexOptions.CultureInvariant)]
    private static partial Regex MSBuildError();
}
