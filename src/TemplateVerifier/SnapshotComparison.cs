using System.Text;
using DiffPlex.Renderer;

namespace TemplateVerifier;

/// <summary>How a file differs between the verified and the received snapshot.</summary>
internal enum FileDifferenceKind
{
    /// <summary>Generated, but not in the verified snapshot.</summary>
    Added,

    /// <summary>In the verified snapshot, but no longer generated.</summary>
    Removed,

    /// <summary>In both, with different bytes.</summary>
    Changed,
}

/// <summary>One file that differs, with a human-readable description of the difference.</summary>
/// <param name="Path">Relative path, <c>/</c>-separated.</param>
/// <param name="Kind">Added, removed or changed.</param>
/// <param name="IsBinary">True when either side is not UTF-8 text; such files are compared by bytes only.</param>
/// <param name="Diff">A unified diff for text files, or a one-line summary for binary files.</param>
internal sealed record FileDifference(string Path, FileDifferenceKind Kind, bool IsBinary, string Diff)
{
    // Keeps one runaway file (say a regenerated lock file) from burying the rest of the report.
    internal const int MaxDiffLines = 200;

    internal static FileDifference Create(string path, FileDifferenceKind kind, byte[]? verified, byte[]? received)
    {
        string? verifiedText = null, receivedText = null;
        var isBinary = (verified is not null && !DirectorySnapshot.TryDecodeText(verified, out verifiedText))
            || (received is not null && !DirectorySnapshot.TryDecodeText(received, out receivedText));

        string diff;
        if (isBinary)
        {
            diff = kind switch
            {
                FileDifferenceKind.Added => $"Binary file {path} added ({received!.Length} bytes)",
                FileDifferenceKind.Removed => $"Binary file {path} removed ({verified!.Length} bytes)",
                _ => $"Binary files differ: {path} (verified {verified!.Length} bytes, received {received!.Length} bytes)",
            };
        }
        else
        {
            var oldName = verified is null ? "/dev/null" : $"verified/{path}";
            var newName = received is null ? "/dev/null" : $"received/{path}";
            diff = Truncate(UnifiedDiff(verifiedText ?? string.Empty, receivedText ?? string.Empty, oldName, newName));
            if (kind == FileDifferenceKind.Changed && OnlyLineEndingsDiffer(verifiedText!, receivedText!))
            {
                diff = $"Only line endings differ in {path} (verified: {Describe(verifiedText!)}, received: {Describe(receivedText!)})\n" + diff;
            }
        }

        return new FileDifference(path, kind, isBinary, diff);
    }

    // DiffPlex splits lines at either ending, so where the two sides end their lines differently the
    // carriage returns are shown (as ␍) to make the change visible.
    private static string UnifiedDiff(string verified, string received, string oldName, string newName)
    {
        if (Describe(verified) != Describe(received))
        {
            verified = verified.Replace("\r", "␍", StringComparison.Ordinal);
            received = received.Replace("\r", "␍", StringComparison.Ordinal);
        }

        // DiffPlex reads a final line break as the start of one more, empty line: drop it where both
        // sides end alike, so the diff shows only real lines (a line break added or lost still shows).
        if (verified.EndsWith('\n') == received.EndsWith('\n') || verified.Length == 0 || received.Length == 0)
        {
            verified = verified.EndsWith('\n') ? verified[..^1] : verified;
            received = received.EndsWith('\n') ? received[..^1] : received;
        }

        return UnidiffRenderer.GenerateUnidiff(verified, received, oldName, newName, ignoreWhitespace: false, ignoreCase: false, contextLines: 3);
    }

    private static bool OnlyLineEndingsDiffer(string a, string b) =>
        string.Equals(a.ReplaceLineEndings("\n"), b.ReplaceLineEndings("\n"), StringComparison.Ordinal);

    private static string Describe(string text)
    {
        var crlf = text.Split("\r\n").Length - 1;
        var lf = text.Count(c => c == '\n') - crlf;
        return (crlf, lf) switch
        {
            (0, 0) => "no line breaks",
            (0, _) => "LF",
            (_, 0) => "CRLF",
            _ => $"mixed, {crlf} CRLF and {lf} LF",
        };
    }

    private static string Truncate(string diff)
    {
        var lines = diff.Split('\n');
        if (lines.Length <= MaxDiffLines)
        {
            return diff;
        }

        return string.Join('\n', lines.Take(MaxDiffLines)) + $"\n... ({lines.Length - MaxDiffLines} more diff lines not shown)\n";
    }
}

/// <summary>The result of <see cref="DirectorySnapshot.Compare"/>.</summary>
internal sealed class SnapshotComparison
{
    internal SnapshotComparison(IReadOnlyList<FileDifference> differences) => Differences = differences;

    /// <summary>True when both snapshots hold the same paths with the same bytes.</summary>
    public bool AreEqual => Differences.Count == 0;

    /// <summary>Every differing file, in ordinal path order.</summary>
    public IReadOnlyList<FileDifference> Differences { get; }

    /// <summary>Paths generated but not verified.</summary>
    public IEnumerable<string> Added => PathsOf(FileDifferenceKind.Added);

    /// <summary>Paths verified but no longer generated.</summary>
    public IEnumerable<string> Removed => PathsOf(FileDifferenceKind.Removed);

    /// <summary>Paths present in both with different content.</summary>
    public IEnumerable<string> Changed => PathsOf(FileDifferenceKind.Changed);

    /// <summary>A summary of added, removed and changed files followed by a diff per file.</summary>
    public override string ToString()
    {
        if (AreEqual)
        {
            return "Snapshots are equal.";
        }

        var sb = new StringBuilder();
        AppendList(sb, "Added (generated, not in verified)", '+', Added);
        AppendList(sb, "Removed (in verified, no longer generated)", '-', Removed);
        AppendList(sb, "Changed", '~', Changed);
        foreach (var difference in Differences)
        {
            sb.Append('\n').Append(difference.Diff);
            if (!difference.Diff.EndsWith('\n'))
            {
                sb.Append('\n');
            }
        }

        return sb.ToString();
    }

    private IEnumerable<string> PathsOf(FileDifferenceKind kind) => Differences.Where(d => d.Kind == kind).Select(d => d.Path);

    private static void AppendList(StringBuilder sb, string title, char marker, IEnumerable<string> paths)
    {
        var list = paths.ToList();
        if (list.Count == 0)
        {
            return;
        }

        sb.Append(title).Append(":\n");
        foreach (var path in list)
        {
            sb.Append("  ").Append(marker).Append(' ').Append(path).Append('\n');
        }
    }
}
