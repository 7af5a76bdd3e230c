using System.Text;
using System.Text.RegularExpressions;

namespace TemplateVerifier;

/// <summary>What a finished <c>dotnet</c> command did: exit code and captured output.</summary>
public sealed class DotnetCommandResult
{
    private IReadOnlyList<string>? _errorLines;

    internal DotnetCommandResult(string fileName, IReadOnlyList<string> arguments, string workingDirectory, int exitCode, string stdOut, string stdErr, TimeSpan duration)
    {
        FileName = fileName;
        Arguments = arguments;
        WorkingDirectory = workingDirectory;
        ExitCode = exitCode;
        StdOut = stdOut;
        StdErr = stdErr;
        Duration = duration;
    }

    /// <summary>The executable that ran.</summary>
    public string FileName { get; }

    /// <summary>The arguments after the executable.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The working directory; for an instantiation, where the template's output went (unless <c>-o</c> said otherwise).</summary>
    public string WorkingDirectory { get; }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }

    /// <summary>Everything written to standard output, as written.</summary>
    public string StdOut { get; }

    /// <summary>Everything written to standard error, as written.</summary>
    public string StdErr { get; }

    /// <summary>Wall-clock time the command took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Lines of either stream that report an error (see <see cref="DotnetOutput.FindErrorLines"/>).</summary>
    public IReadOnlyList<string> ErrorLines => _errorLines ??= DotnetOutput.FindErrorLines(StdOut, StdErr);

    /// <summary>True when the exit code is 0 and no error text was printed.</summary>
    public bool Succeeded => ExitCode == 0 && ErrorLines.Count == 0;

    /// <summary>The command line for display (arguments quoted where needed).</summary>
    public string CommandLine => string.Join(' ', new[] { Path.GetFileName(FileName) }.Concat(Arguments).Select(Quote));

    /// <summary>Throws <see cref="DotnetCommandException"/> unless <see cref="Succeeded"/>; returns this result otherwise.</summary>
    public DotnetCommandResult EnsureSuccess() =>
        Succeeded ? this : throw new DotnetCommandException(this, $"'{CommandLine}' failed.\n{FormatOutput()}");

    /// <summary>The command, exit code, detected errors and both streams, for failure messages.</summary>
    public override string ToString() => $"'{CommandLine}'\n{FormatOutput()}";

    internal string FormatOutput()
    {
        var sb = new StringBuilder();
        sb.Append("Working directory: ").Append(WorkingDirectory).Append('\n');
        sb.Append("Exit code: ").Append(ExitCode).Append('\n');
        if (ErrorLines.Count > 0)
        {
            sb.Append("Error text found:\n");
            foreach (var line in ErrorLines)
            {
                sb.Append("  ").Append(line).Append('\n');
            }
        }

        AppendStream(sb, "stdout", StdOut);
        AppendStream(sb, "stderr", StdErr);
        return sb.ToString();
    }

    private static void AppendStream(StringBuilder sb, string name, string content)
    {
        sb.Append("--- ").Append(name).Append(content.Length == 0 ? " (empty) ---\n" : " ---\n");
        if (content.Length > 0)
        {
            sb.Append(content.TrimEnd()).Append('\n');
        }
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && !arg.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? arg : "\"" + arg.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

/// <summary>Thrown by <see cref="DotnetCommandResult.EnsureSuccess"/>.</summary>
public sealed class DotnetCommandException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="result">The failed command.</param>
    /// <param name="message">What failed, with the command's output.</param>
    public DotnetCommandException(DotnetCommandResult result, string message)
        : base(message) => Result = result;

    /// <summary>The failed command.</summary>
    public DotnetCommandResult Result { get; }
}

/// <summary>Recognises failure reported in <c>dotnet</c> output, including failures that still exit with 0.</summary>
public static partial class DotnetOutput
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
