using System.Diagnostics;
using System.Text;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>The outcome of a finished process.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;

    public ProcessResult EnsureSuccess() => ExitCode == 0 ? this : throw new InvalidOperationException(
        $"`{Command}` exited with {ExitCode}.\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}");
}

/// <summary>Runs programs other than <c>dotnet</c> (the engine's DotnetCli runs that one): bash, initdb, pg_ctl.</summary>
public static class ProcessRunner
{
    /// <param name="environment">The child's whole environment when <paramref name="clean"/>; otherwise added to this
    /// process's. An empty value removes a variable.</param>
    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null, bool clean = false, TimeSpan? timeout = null)
    {
        using var process = new Process { StartInfo = StartInfo(fileName, arguments, workingDirectory, environment, clean) };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{Describe(process.StartInfo)}` did not finish in time.\n{stdout}\n{stderr}");
        }
        process.WaitForExit();
        return new ProcessResult(Describe(process.StartInfo), process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public static ProcessStartInfo StartInfo(
        string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment, bool clean)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        if (clean)
        {
            startInfo.Environment.Clear();
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            // An empty value removes the variable.
            if (value.Length == 0)
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

    public static string Describe(ProcessStartInfo startInfo) =>
        string.Join(' ', [startInfo.FileName, .. startInfo.ArgumentList.Select(a => a.Contains(' ') ? $"'{a}'" : a)]);
}
