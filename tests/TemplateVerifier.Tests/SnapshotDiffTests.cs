namespace TemplateVerifier.Tests;

/// <summary>The unified diffs a failing snapshot shows, one per changed text file.</summary>
public class SnapshotDiffTests
{
    [Fact]
    public void ChangedLineIsShownWithThreeLinesOfContext() =>
        Assert.Equal(
            "--- verified/a.txt\n" +
            "+++ received/a.txt\n" +
            "@@ -2,7 +2,7 @@\n" +
            " 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
            Diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n"));

    [Fact]
    public void DistantChangesGetSeparateHunks()
    {
        var lines = Enumerable.Range(1, 30).Select(i => $"{i}\n").ToArray();
        var changed = (string[])lines.Clone();
        changed[1] = "two\n";
        changed[25] = "twenty-six\n";

        var diff = Diff(string.Concat(lines), string.Concat(changed));

        Assert.Equal(2, diff.Split("\n@@ -").Length - 1);
        Assert.Contains("-2\n+two\n", diff, StringComparison.Ordinal);
        Assert.Contains("-26\n+twenty-six\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void AddedAndRemovedFilesAreDiffedAgainstDevNull()
    {
        var comparison = DirectorySnapshot.Compare(Snapshot("old.txt", "gone\n"), Snapshot("new.txt", "here\n"));

        Assert.Contains("--- /dev/null\n+++ received/new.txt\n", comparison.Differences.Single(d => d.Kind == FileDifferenceKind.Added).Diff, StringComparison.Ordinal);
        Assert.Contains("+here\n", comparison.Differences.Single(d => d.Kind == FileDifferenceKind.Added).Diff, StringComparison.Ordinal);
        Assert.Contains("--- verified/old.txt\n+++ /dev/null\n", comparison.Differences.Single(d => d.Kind == FileDifferenceKind.Removed).Diff, StringComparison.Ordinal);
    }

    [Fact]
    public void LineEndingChangeIsVisible()
    {
        var diff = Diff("a\nb\nc\n", "a\r\nB\r\nc\r\n");

        Assert.Contains("-a\n", diff, StringComparison.Ordinal);
        Assert.Contains("+a␍\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void CarriageReturnsAreNotMarkedWhenBothSidesUseCrlf()
    {
        var diff = Diff("a\r\nb\r\n", "a\r\nc\r\n");

        Assert.DoesNotContain("␍", diff, StringComparison.Ordinal);
        Assert.Contains("-b\n+c\n", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeUnrelatedInputsStillProduceACompleteDiff()
    {
        var diff = Diff(
            string.Concat(Enumerable.Range(0, 6000).Select(i => $"old {i}\n")),
            string.Concat(Enumerable.Range(0, 6000).Select(i => $"new {i}\n")));

        // Cut to the first lines, saying how many more there were.
        Assert.StartsWith("--- verified/a.txt\n+++ received/a.txt\n@@ -1,", diff, StringComparison.Ordinal);
        Assert.Matches(@"\.\.\. \(1[0-9]{4} more diff lines not shown\)\n$", diff);
    }

    private static string Diff(string verified, string received) =>
        Assert.Single(DirectorySnapshot.Compare(Snapshot("a.txt", verified), Snapshot("a.txt", received)).Differences).Diff;

    private static DirectorySnapshot Snapshot(string path, string content) =>
        new([new(path, System.Text.Encoding.UTF8.GetBytes(content))]);
}
