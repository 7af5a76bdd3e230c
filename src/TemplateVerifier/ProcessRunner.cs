using System.Diagnostics;
using System.Text;

namespace TemplateVerifier;

/// <summary>What a finished process did: its exit code and everything it wrote.</summary>
/// <param name="Command">The command line, for messages (arguments quoted where needed).</param>
/// <param name="WorkingDirectory">Where it ran; for <c>dotnet new</c>, where the output went unless <c>-o</c> said otherwise.</param>
/// <param name="ExitCode">The exit code (-1 when it was killed).</param>
/// <param name="StandardOutput">Everything written to standard output, as written.</param>
/// <param name="StandardError">Everything written to standard error, as written.</param>
/// <param name="Duration">Wall-clock time it took.</param>
/// <param name="ErrorLines">Lines that report an error although the exit code may be 0; only <see cref="DotnetCli"/> looks for them.</param>
public sealed record ProcessResult(
    string Command, string WorkingDirectory, int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration, IReadOnlyList<string> ErrorLines)
{
    /// <summary>Both streams, standard output first.</summary>
    public string Output => StandardOutput + StandardError;

    /// <summary>True when the exit code is 0 and no <see cref="ErrorLines"/> were found.</summary>
    public bool Succeeded => ExitCode == 0 && ErrorLines.Count == 0;

    /// <summary>Throws <see cref="ProcessFailedException"/> unless <see cref="Succeeded"/>; returns this result otherwise.</summary>
    public ProcessResult EnsureSuccess() => Succeeded ? this : throw new ProcessFailedException(this);

    /// <summary>The command, working directory, exit code, error lines and both streams, for failure messages.</summary>
    public override string ToString()
    {
        var text = new StringBuilder()
            .Append('`').Append(Command).Append("`\n")
            .Append("Working directory: ").Append(WorkingDirectory).Append('\n')
            .Append("Exit code: ").Append(ExitCode).Append('\n');
        if (ErrorLines.Count > 0)
        {
            text.Append("Error text found:\n");
            foreach (var line in ErrorLines)
            {
                text.Append("  ").Append(line).Append('\n');
            }
        }

        foreach (var (name, content) in new[] { ("stdout", StandardOutput), ("stderr", StandardError) })
        {
            text.Append("--- ").Append(name).Append(content.Length == 0 ? " (empty) ---\n" : " ---\n");
            if (content.Length > 0)
            {
                text.Append(content.TrimEnd()).Append('\n');
            }
        }

        return text.ToString();
    }
}

/// <summary>Thrown by <see cref="ProcessResult.EnsureSuccess"/>.</summary>
/// <param name="result">The failed process.</param>
public sealed class ProcessFailedException(ProcessResult result) : Exception($"Failed: {result}")
{
    /// <summary>The failed process.</summary>
    public ProcessResult Result { get; } = result;
}

/// <summary>
/// Runs a program as a real child process, each argument passed as is (no shell), and captures its
/// output. <see cref="DotnetCli"/> runs <c>dotnet</c> through it.
/// </summary>
/// <remarks>
/// Environment: the child inherits this process's variables, or none when <c>clean</c>; then the given
/// ones are set, and a variable given a null or empty value is removed.
/// </remarks>
public static class ProcessRunner
{
    /// <summary>How long a process may run when no timeout is given.</summary>
    internal static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    // A grandchild (build server, MSBuild node, a daemon) can keep the output pipes open after the
    // process exits; don't wait for end-of-stream forever.
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="fileName"/> to completion with stdin closed, so nothing can wait for input.
    /// Does not throw on failure: inspect the result or call <see cref="ProcessResult.EnsureSuccess"/>.
    /// </summary>
    /// <param name="fileName">The program: a path, or a name looked up on PATH.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="workingDirectory">Its working directory.</param>
    /// <param name="environment">Variables to set; a null or empty value removes the variable.</param>
    /// <param name="clean">When true, the child starts with no variables but <paramref name="environment"/>.</param>
    /// <param name="timeout">How long it may run before it and its children are killed; 5 minutes when null.</param>
    /// <param name="cancellationToken">Kills the process tree when cancelled.</param>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="timeout"/>; the message has the output so far.</exception>
    public static Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null,
        bool clean = false,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(StartInfo(fileName, arguments, workingDirectory, environment, clean), timeout, findErrorLines: false, cancellationToken);

    /// <summary>
    /// Start information for a child with redirected streams, for a process that outlives one call
    /// (such as a web server); <see cref="RunAsync(string, IEnumerable{string}, string, IReadOnlyDictionary{string, string}?, bool, TimeSpan?, CancellationToken)"/>
    /// describes the parameters.
    /// </summary>
    public static ProcessStartInfo StartInfo(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment, bool clean) =>
        StartInfo(fileName, arguments, workingDirectory, (environment ?? new Dictionary<string, string>()).Select(pair => (pair.Key, (string?)pair.Value)), clean);

    internal static ProcessStartInfo StartInfo(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IEnumerable<(string Name, string? Value)> environment, bool clean)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Path.GetFullPath(workingDirectory),
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (clean)
        {
            startInfo.Environment.Clear();
        }

        foreach (var (name, value) in environment)
        {
            if (string.IsNullOrEmpty(value))
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

    internal static async Task<ProcessResult> RunAsync(ProcessStartInfo startInfo, TimeSpan? timeout, bool findErrorLines, CancellationToken cancellationToken)
    {
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

        ProcessResult Result(int exitCode)
        {
            string output = Read(stdout), error = Read(stderr);
            var errorLines = findErrorLines ? DotnetOutput.FindErrorLines(output, error) : [];
            return new(Describe(startInfo), startInfo.WorkingDirectory, exitCode, output, error, stopwatch.Elapsed, errorLines);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await DrainAsync(pumps, pumpCancellation).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"The process did not finish within {timeout ?? DefaultTimeout} and was killed: {Result(-1)}");
        }

        await DrainAsync(pumps, pumpCancellation).ConfigureAwait(false);
        return Result(process.ExitCode);
    }

    /// <summary>The command line of <paramref name="startInfo"/>, for messages.</summary>
    internal static string Describe(ProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        return string.Join(' ', new[] { Path.GetFileName(startInfo.FileName) }.Concat(startInfo.ArgumentList).Select(Quote));
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'')
            ? argument
            : "\"" + argument.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

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
