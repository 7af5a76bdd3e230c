using System.Text;

namespace TemplateVerifier;

/// <summary>Line-based unified diff (Myers' algorithm), in the format of <c>diff -u</c> / <c>git diff</c>.</summary>
public static class UnifiedDiff
{
    /// <summary>Number of unchanged lines shown around each change by default.</summary>
    public const int DefaultContextLines = 3;

    // The search keeps, per edit step d, the 2d+1 furthest-reaching positions, so memory grows with
    // the square of the edit distance. Past this bound the changed middle is reported as replaced
    // wholesale: a minimal diff of inputs that different would not be readable anyway.
    private const int MaxEditDistance = 2000;

    /// <summary>
    /// Returns a unified diff from <paramref name="oldText"/> to <paramref name="newText"/>, or an empty
    /// string when they are equal. Lines are compared including their line terminators, so a change
    /// from LF to CRLF shows up; carriage returns are then made visible as <c>␍</c>.
    /// </summary>
    /// <param name="oldText">The expected (verified) text.</param>
    /// <param name="newText">The actual (received) text.</param>
    /// <param name="oldName">Name shown on the <c>---</c> line.</param>
    /// <param name="newName">Name shown on the <c>+++</c> line.</param>
    /// <param name="contextLines">Unchanged lines shown around each change.</param>
    public static string Create(string oldText, string newText, string oldName = "verified", string newName = "received", int contextLines = DefaultContextLines)
    {
        ArgumentNullException.ThrowIfNull(oldText);
        ArgumentNullException.ThrowIfNull(newText);
        ArgumentOutOfRangeException.ThrowIfNegative(contextLines);
        if (string.Equals(oldText, newText, StringComparison.Ordinal))
        {
            return string.Empty;
        }

        var a = SplitLines(oldText);
        var b = SplitLines(newText);
        var edits = ComputeEdits(a, b);

        // Only mark CRs when line endings differ; otherwise they would clutter every line of a CRLF file.
        var showCr = oldText.Count(c => c == '\r') != newText.Count(c => c == '\r');

        var sb = new StringBuilder();
        sb.Append("--- ").Append(oldName).Append('\n');
        sb.Append("+++ ").Append(newName).Append('\n');
        foreach (var hunk in GroupHunks(edits, contextLines))
        {
            WriteHunk(sb, hunk, a, b, showCr);
        }

        return sb.ToString();
    }

    /// <summary>Splits text into lines, each keeping its terminator (<c>\n</c> or <c>\r\n</c>).</summary>
    internal static string[] SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return [.. lines];
    }

    internal enum EditKind
    {
        Equal,
        Delete,
        Insert,
    }

    /// <summary>
    /// One line of the edit script. Indexes point into the old and new lines; for a side the edit does
    /// not touch (the old side of an insert, the new side of a delete) the index is the position there.
    /// </summary>
    internal readonly record struct Edit(EditKind Kind, int OldIndex, int NewIndex);

    internal static List<Edit> ComputeEdits(string[] a, string[] b)
    {
        // Common prefix and suffix are cheap to strip and keep the search small.
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && string.Equals(a[prefix], b[prefix], StringComparison.Ordinal))
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix
            && string.Equals(a[a.Length - 1 - suffix], b[b.Length - 1 - suffix], StringComparison.Ordinal))
        {
            suffix++;
        }

        var edits = new List<Edit>(a.Length + b.Length);
        for (var i = 0; i < prefix; i++)
        {
            edits.Add(new Edit(EditKind.Equal, i, i));
        }

        MyersMiddle(a, b, prefix, a.Length - suffix, prefix, b.Length - suffix, edits);

        for (var i = suffix; i > 0; i--)
        {
            edits.Add(new Edit(EditKind.Equal, a.Length - i, b.Length - i));
        }

        return edits;
    }

    private static void MyersMiddle(string[] a, string[] b, int aStart, int aEnd, int bStart, int bEnd, List<Edit> edits)
    {
        var n = aEnd - aStart;
        var m = bEnd - bStart;
        var max = n + m;
        if (max == 0)
        {
            return;
        }

        var limit = Math.Min(max, MaxEditDistance);
        var offset = max + 1;
        var v = new int[(2 * max) + 3];
        var trace = new List<int[]>();
        var found = false;

        for (var d = 0; d <= limit && !found; d++)
        {
            // Positions for diagonals -d..d as they stood before step d: all the backtrack needs.
            trace.Add(v[(offset - d)..(offset + d + 1)]);
            for (var k = -d; k <= d; k += 2)
            {
                int x;
                if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                {
                    x = v[offset + k + 1];
                }
                else
                {
                    x = v[offset + k - 1] + 1;
                }

                var y = x - k;
                while (x < n && y < m && string.Equals(a[aStart + x], b[bStart + y], StringComparison.Ordinal))
                {
                    x++;
                    y++;
                }

                v[offset + k] = x;
                if (x >= n && y >= m)
                {
                    found = true;
                    break;
                }
            }
        }

        if (!found)
        {
            for (var i = 0; i < n; i++)
            {
                edits.Add(new Edit(EditKind.Delete, aStart + i, bStart));
            }

            for (var j = 0; j < m; j++)
            {
                edits.Add(new Edit(EditKind.Insert, aEnd, bStart + j));
            }

            return;
        }

        // Walk the trace backwards to recover the path, then reverse it.
        var path = new List<Edit>();
        int cx = n, cy = m;
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var vd = trace[d];
            var k = cx - cy;
            int prevK;
            if (k == -d || (k != d && vd[k - 1 + d] < vd[k + 1 + d]))
            {
                prevK = k + 1;
            }
            else
            {
                prevK = k - 1;
            }

            var prevX = d == 0 ? 0 : vd[prevK + d];
            var prevY = prevX - prevK;
            while (cx > prevX && cy > prevY)
            {
                cx--;
                cy--;
                path.Add(new Edit(EditKind.Equal, aStart + cx, bStart + cy));
            }

            if (d > 0)
            {
                if (cx == prevX)
                {
                    path.Add(new Edit(EditKind.Insert, aStart + prevX, bStart + prevY));
                }
                else
                {
                    path.Add(new Edit(EditKind.Delete, aStart + prevX, bStart + prevY));
                }
            }

            cx = prevX;
            cy = prevY;
        }

        path.Reverse();
        edits.AddRange(path);
    }

    private sealed record Hunk(List<Edit> Edits);

    private static IEnumerable<Hunk> GroupHunks(List<Edit> edits, int context)
    {
        var changeIndexes = new List<int>();
        for (var i = 0; i < edits.Count; i++)
        {
            if (edits[i].Kind != EditKind.Equal)
            {
                changeIndexes.Add(i);
            }
        }

        var c = 0;
        while (c < changeIndexes.Count)
        {
            var start = Math.Max(0, changeIndexes[c] - context);
            var end = changeIndexes[c];

            // Merge changes whose context windows touch or overlap.
            while (c + 1 < changeIndexes.Count && changeIndexes[c + 1] - end <= (2 * context) + 1)
            {
                c++;
                end = changeIndexes[c];
            }

            end = Math.Min(edits.Count - 1, end + context);
            yield return new Hunk(edits.GetRange(start, end - start + 1));
            c++;
        }
    }

    private static void WriteHunk(StringBuilder sb, Hunk hunk, string[] a, string[] b, bool showCr)
    {
        var oldCount = hunk.Edits.Count(e => e.Kind != EditKind.Insert);
        var newCount = hunk.Edits.Count(e => e.Kind != EditKind.Delete);
        var oldStart = hunk.Edits[0].OldIndex;
        var newStart = hunk.Edits[0].NewIndex;

        sb.Append("@@ -").Append(Range(oldStart, oldCount)).Append(" +").Append(Range(newStart, newCount)).Append(" @@\n");
        foreach (var e in hunk.Edits)
        {
            var (marker, line) = e.Kind switch
            {
                EditKind.Equal => (' ', a[e.OldIndex]),
                EditKind.Delete => ('-', a[e.OldIndex]),
                _ => ('+', b[e.NewIndex]),
            };
            sb.Append(marker).Append(Display(line, showCr)).Append('\n');
            if (!line.EndsWith('\n'))
            {
                sb.Append("\\ No newline at end of file\n");
            }
        }
    }

    // An empty range is printed as the number of lines before it, as diff -u does ("-0,0" at the top).
    private static string Range(int firstIndex, int count) => count switch
    {
        0 => $"{firstIndex},0",
        1 => $"{firstIndex + 1}",
        _ => $"{firstIndex + 1},{count}",
    };

    private static string Display(string line, bool showCr)
    {
        var content = line.EndsWith('\n') ? line[..^1] : line;
        if (content.EndsWith('\r'))
        {
            content = showCr ? content[..^1] + "␍" : content[..^1];
        }

        return content;
    }
}
