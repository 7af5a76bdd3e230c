namespace TemplateVerifier.Tests;

public class UnifiedDiffTests
{
    [Fact]
    public void EqualTextsGiveNoDiff() =>
        Assert.Equal(string.Empty, UnifiedDiff.Create("a\nb\n", "a\nb\n"));

    [Fact]
    public void ChangedLineIsShownWithThreeLinesOfContext()
    {
        var oldText = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        var newText = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";

        var diff = UnifiedDiff.Create(oldText, newText, "verified/a.txt", "received/a.txt");

        Assert.Equal(
            "--- verified/a.txt\n" +
            "+++ received/a.txt\n" +
            "@@ -2,7 +2,7 @@\n" +
            " 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
            diff);
    }

    [Fact]
    public void DistantChangesGetSeparateHunks()
    {
        var lines = Enumerable.Range(1, 30).Select(i => $"{i}\n").ToArray();
        var changed = (string[])lines.Clone();
        changed[1] = "two\n";
        changed[25] = "twenty-six\n";

        var diff = UnifiedDiff.Create(string.Concat(lines), string.Concat(changed));

        Assert.Contains("@@ -1,5 +1,5 @@\n", diff, StringComparison.Ordinal);
        Assert.Contains("@@ -23,7 +23,7 @@\n", diff, StringComparison.Ordinal);
        Assert.Equal(2, diff.Split("@@ -").Length - 1);
    }

    [Fact]
    public void NearbyChangesShareOneHunk()
    {
        var diff = UnifiedDiff.Create("a\nb\nc\nd\ne\nf\ng\n", "A\nb\nc\nd\ne\nf\nG\n");

        Assert.Single(diff.Split("@@ -").Skip(1));
        Assert.Contains("@@ -1,7 +1,7 @@\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void InsertionIntoEmptyTextStartsAtLineZero()
    {
        var diff = UnifiedDiff.Create(string.Empty, "new\n", "/dev/null", "received/x");

        Assert.Equal("--- /dev/null\n+++ received/x\n@@ -0,0 +1 @@\n+new\n", diff);
    }

    [Fact]
    public void PureInsertionWithoutContextNamesTheLineItFollows()
    {
        var diff = UnifiedDiff.Create("a\nb\n", "a\nx\nb\n", contextLines: 0);

        Assert.Contains("@@ -1,0 +2 @@\n+x\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void DeletedLinesAreMarked()
    {
        var diff = UnifiedDiff.Create("a\nb\nc\n", "a\nc\n");

        Assert.Contains("@@ -1,3 +1,2 @@\n a\n-b\n c\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFinalNewlineIsReported()
    {
        var diff = UnifiedDiff.Create("a\n", "a");

        Assert.Contains("-a\n+a\n\\ No newline at end of file\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void LineEndingChangeIsVisible()
    {
        var diff = UnifiedDiff.Create("a\nb\n", "a\r\nb\r\n");

        Assert.Contains("-a\n", diff, StringComparison.Ordinal);
        Assert.Contains("+a␍\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void CarriageReturnsAreNotMarkedWhenBothSidesUseCrlf()
    {
        var diff = UnifiedDiff.Create("a\r\nb\r\n", "a\r\nc\r\n");

        Assert.DoesNotContain("␍", diff, StringComparison.Ordinal);
        Assert.Contains("-b\n+c\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void EditScriptRebuildsBothSidesAndIsMinimal()
    {
        var random = new Random(1234);
        for (var round = 0; round < 300; round++)
        {
            var a = RandomLines(random);
            var b = RandomLines(random);

            var edits = UnifiedDiff.ComputeEdits(a, b);

            var rebuiltOld = edits.Where(e => e.Kind != UnifiedDiff.EditKind.Insert).Select(e => a[e.OldIndex]);
            var rebuiltNew = edits.Where(e => e.Kind != UnifiedDiff.EditKind.Delete).Select(e => b[e.NewIndex]);
            Assert.Equal(a, rebuiltOld);
            Assert.Equal(b, rebuiltNew);

            var changes = edits.Count(e => e.Kind != UnifiedDiff.EditKind.Equal);
            Assert.Equal(a.Length + b.Length - (2 * LongestCommonSubsequence(a, b)), changes);
        }
    }

    [Fact]
    public void HugeUnrelatedInputsStillProduceACompleteDiff()
    {
        var a = string.Concat(Enumerable.Range(0, 6000).Select(i => $"old {i}\n"));
        var b = string.Concat(Enumerable.Range(0, 6000).Select(i => $"new {i}\n"));

        var diff = UnifiedDiff.Create(a, b);

        Assert.Equal(6000, diff.Split('\n').Count(l => l.StartsWith("-old", StringComparison.Ordinal)));
        Assert.Equal(6000, diff.Split('\n').Count(l => l.StartsWith("+new", StringComparison.Ordinal)));
    }

    private static string[] RandomLines(Random random) =>
        Enumerable.Range(0, random.Next(0, 12)).Select(_ => ((char)('a' + random.Next(4))).ToString() + "\n").ToArray();

    private static int LongestCommonSubsequence(string[] a, string[] b)
    {
        var table = new int[a.Length + 1, b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                table[i, j] = a[i - 1] == b[j - 1] ? table[i - 1, j - 1] + 1 : Math.Max(table[i - 1, j], table[i, j - 1]);
            }
        }

        return table[a.Length, b.Length];
    }
}
