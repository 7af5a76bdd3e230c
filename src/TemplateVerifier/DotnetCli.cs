using System.Diagnostics;
using System.Text;

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

    /// <summary>Extra environment variables for the child process; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; init; }

    /// <summary>How long the command may run before it (and its child processes) is killed. Defaults to 5 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>Runs <c>dotnet</c> as a real child process and captures its output.</summary>
public static class DotnetCli
{
    /// <summary>
    /// Variables every child gets: no telemetry, banner, first-run work or workload update notices, and
    /// English messages, so error detection and std-stream snapshots don't depend on the machine.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DefaultEnvironment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
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

    // A grandchild (build server, MSBuild node) can keep the output pipes open after dotnet exits;
    // don't wait for end-of-stream forever.
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <c>dotnet &lt;arguments&gt;</c> in <paramref name="workingDirectory"/> (each argument passed
    /// as is, no shell), with stdin closed so nothing can wait for input.
    /// Does not throw on failure: inspect the result or call <see cref="DotnetCommandResult.EnsureSuccess"/>.
    /// </summary>
    /// <param name="arguments">Arguments after <c>dotnet</c>, e.g. <c>["build", "-c", "Release"]</c>.</param>
    /// <param name="workingDirectory">The child's working directory; the current directory when null.</param>
    /// <param name="options">Executable, environment and timeout.</param>
    /// <param name="cancellationToken">Kills the process tree when cancelled.</param>
    /// <exception cref="TimeoutException">The command ran longer than <see cref="DotnetCommandOptions.Timeout"/>; the message has the output so far.</exception>
    public static async Task<DotnetCommandResult> RunAsync(
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        DotnetCommandOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        options ??= DotnetCommandOptions.Default;
        var args = arguments.ToList();
        var cwd = Path.GetFullPath(workingDirectory ?? Directory.GetCurrentDirectory());
        var startInfo = CreateStartInfo(ResolveDotnet(options.DotnetExecutablePath), args, cwd, options.Environment);

        using var process = new Process { StartInfo = startInfo };
        var stopwatch = Stopwatch.StartNew();
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start '{startInfo.FileName}'.");
        }

        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var pumpCancellation = new CancellationTokenSource();
        var pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, stdout, pumpCancellation.Token),
            PumpAsync(process.StandardError, stderr, pumpCancellation.Token));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await DrainAsync(pumps, pumpCancellation).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var partial = new DotnetCommandResult(startInfo.FileName, args, cwd, -1, Read(stdout), Read(stderr), stopwatch.Elapsed);
            throw new TimeoutException($"'{partial.CommandLine}' did not finish within {options.Timeout} and was killed.\n{partial.FormatOutput()}");
        }

        await DrainAsync(pumps, pumpCancellation).ConfigureAwait(false);
        return new DotnetCommandResult(startInfo.FileName, args, cwd, process.ExitCode, Read(stdout), Read(stderr), stopwatch.Elapsed);
    }

    internal static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string?>? environment)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            CreateNoWindow = true,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        foreach (var name in InheritedMSBuildVariables)
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in DefaultEnvironment)
        {
            startInfo.Environment[name] = value;
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        return startInfo;
    }

    internal static string ResolveDotnet(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return explicitPath;
        }

        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : "dotnet";
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder sink, CancellationToken cancellationToken)
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                lock (sink)
                {
                    sink.Append(buffer, 0, read);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Gave up waiting for end-of-stream; keep what was read.
        }
    }

    private static async Task DrainAsync(Task pumps, CancellationTokenSource pumpCancellation)
    {
        try
        {
            await pumps.WaitAsync(OutputDrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await pumpCancellation.CancelAsync().ConfigureAwait(false);
        }
    }

    private static string Read(StringBuilder sink)
    {
        lock (sink)
        {
            return sink.ToString();
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
