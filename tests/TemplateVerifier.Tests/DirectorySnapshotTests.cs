using System.Text;

namespace TemplateVerifier.Tests;

public class DirectorySnapshotTests
{
    [Fact]
    public void ReadsNestedFilesAndDotfiles()
    {
        using var dir = TemporaryDirectory.Create("template-verifier-tests-");
        Write(dir, "README.md", "readme");
        Write(dir, ".gitignore", "bin/");
        Write(dir, ".config/dotnet-tools.json", "{}");
        Write(dir, "src/.env", "A=1");

        var snapshot = DirectorySnapshot.FromDirectory(dir.Path);

        Assert.Equal([".config/dotnet-tools.json", ".gitignore", "README.md", "src/.env"], snapshot.Files.Keys);
        Assert.Equal("A=1", Encoding.UTF8.GetString(snapshot.Files["src/.env"]));
    }

    [Fact]
    public void DefaultExcludesLeaveOutBuildOutputAtAnyDepth()
    {
        using var dir = TemporaryDirectory.Create("template-verifier-tests-");
        Write(dir, "app/Program.cs", "class P {}");
        Write(dir, "app/bin/Debug/app.json", "{}");
        Write(dir, "app/obj/project.assets.json", "{}");
        Write(dir, "bin/tool.dll", "MZ");
        Write(dir, "binder/notes.txt", "kept");

        var snapshot = DirectorySnapshot.FromDirectory(dir.Path, excludePatterns: VerificationEngine.DefaultVerificationExcludePatterns);

        Assert.Equal(["app/Program.cs", "binder/notes.txt"], snapshot.Files.Keys);
    }

    [Fact]
    public void IncludePatternsAreCaseSensitiveGlobs()
    {
        using var dir = TemporaryDirectory.Create("template-verifier-tests-");
        Write(dir, "a.md", "a");
        Write(dir, "docs/b.md", "b");
        Write(dir, "docs/deep/C.MD", "c");
        Write(dir, "c.cs", "c");

        Assert.Equal(["a.md", "docs/b.md"], DirectorySnapshot.FromDirectory(dir.Path, includePatterns: ["**/*.md"]).Files.Keys);
        Assert.Equal(["a.md"], DirectorySnapshot.FromDirectory(dir.Path, includePatterns: ["*.md"]).Files.Keys); // '*' stays within a directory
        Assert.Equal(["docs/b.md"], DirectorySnapshot.FromDirectory(dir.Path, includePatterns: ["docs/*.md"]).Files.Keys);
    }

    [Fact]
    public void EqualSnapshotsCompareEqual()
    {
        var comparison = DirectorySnapshot.Compare(Snapshot(("a.txt", "x\n")), Snapshot(("a.txt", "x\n")));

        Assert.True(comparison.AreEqual);
        Assert.Empty(comparison.Differences);
    }

    [Fact]
    public void ReportsAddedRemovedAndChangedFiles()
    {
        var verified = Snapshot(("same.txt", "s\n"), ("changed.txt", "old\n"), ("removed.txt", "gone\n"));
        var received = Snapshot(("same.txt", "s\n"), ("changed.txt", "new\n"), ("added.txt", "fresh\n"));

        var comparison = DirectorySnapshot.Compare(verified, received);
        var report = comparison.ToString();

        Assert.Equal(["added.txt"], comparison.Added);
        Assert.Equal(["removed.txt"], comparison.Removed);
        Assert.Equal(["changed.txt"], comparison.Changed);
        Assert.Contains("  + added.txt\n", report, StringComparison.Ordinal);
        Assert.Contains("  - removed.txt\n", report, StringComparison.Ordinal);
        Assert.Contains("  ~ changed.txt\n", report, StringComparison.Ordinal);
        Assert.Contains("--- verified/changed.txt\n+++ received/changed.txt\n@@ -1,1 +1,1 @@\n-old\n+new\n", report, StringComparison.Ordinal);
        Assert.Contains("--- /dev/null\n+++ received/added.txt\n@@ -1,0 +1,1 @@\n+fresh\n", report, StringComparison.Ordinal);
        Assert.Contains("--- verified/removed.txt\n+++ /dev/null\n@@ -1,1 +1,0 @@\n-gone\n", report, StringComparison.Ordinal);
        Assert.DoesNotContain("same.txt", report, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryFilesAreComparedByBytes()
    {
        var verified = new DirectorySnapshot([new("logo.png", new byte[] { 0x89, 0x50, 0x00, 0x01 })]);
        var received = new DirectorySnapshot([new("logo.png", new byte[] { 0x89, 0x50, 0x00, 0x02, 0x03 })]);

        var difference = Assert.Single(DirectorySnapshot.Compare(verified, received).Differences);

        Assert.True(difference.IsBinary);
        Assert.Equal(FileDifferenceKind.Changed, difference.Kind);
        Assert.Equal("Binary files differ: logo.png (verified 4 bytes, received 5 bytes)", difference.Diff);
    }

    [Fact]
    public void InvalidUtf8IsTreatedAsBinary()
    {
        var received = new DirectorySnapshot([new("latin1.txt", new byte[] { 0x63, 0x61, 0x66, 0xE9 })]);

        var difference = Assert.Single(DirectorySnapshot.Compare(DirectorySnapshot.Empty, received).Differences);

        Assert.True(difference.IsBinary);
        Assert.Equal("Binary file latin1.txt added (4 bytes)", difference.Diff);
    }

    [Fact]
    public void LineEndingOnlyChangeIsCaughtAndExplained()
    {
        var difference = Assert.Single(DirectorySnapshot.Compare(Snapshot(("a.cs", "x\ny\n")), Snapshot(("a.cs", "x\r\ny\r\n"))).Differences);

        Assert.StartsWith("Only line endings differ in a.cs (verified: LF, received: CRLF)\n", difference.Diff, StringComparison.Ordinal);
        Assert.Contains("+x␍\n", difference.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public void ByteOrderMarkChangeIsCaught()
    {
        var withBom = new DirectorySnapshot([new("a.cs", [0xEF, 0xBB, 0xBF, (byte)'x'])]);

        Assert.False(DirectorySnapshot.Compare(Snapshot(("a.cs", "x")), withBom).AreEqual);
    }

    [Fact]
    public void VeryLongDiffsAreTruncated()
    {
        var received = Snapshot(("big.txt", string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i}\n"))));

        var difference = Assert.Single(DirectorySnapshot.Compare(DirectorySnapshot.Empty, received).Differences);

        Assert.Contains("more diff lines not shown", difference.Diff, StringComparison.Ordinal);
        Assert.True(difference.Diff.Split('\n').Length <= FileDifference.MaxDiffLines + 2);
    }

    [Fact]
    public void WriteToReplacesTheDirectoryContents()
    {
        using var dir = TemporaryDirectory.Create("template-verifier-tests-");
        Write(dir, "target/stale.txt", "old");
        Write(dir, "target/keep/a.txt", "old a");

        Snapshot(("keep/a.txt", "new a"), (".env", "X=1")).WriteTo(Path.Combine(dir.Path, "target"));

        var written = DirectorySnapshot.FromDirectory(Path.Combine(dir.Path, "target"));
        Assert.Equal([".env", "keep/a.txt"], written.Files.Keys);
        Assert.Equal("new a", File.ReadAllText(Path.Combine(dir.Path, "target", "keep", "a.txt")));
    }

    [Fact]
    public void WriteToPreservesExactBytes()
    {
        using var dir = TemporaryDirectory.Create("template-verifier-tests-");
        byte[] content = [0xEF, 0xBB, 0xBF, (byte)'a', (byte)'\r', (byte)'\n', 0x00, 0xFF];

        new DirectorySnapshot([new("f.bin", content)]).WriteTo(dir.Path);

        Assert.Equal(content, File.ReadAllBytes(Path.Combine(dir.Path, "f.bin")));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../b")]
    [InlineData("a//b")]
    public void RejectsPathsThatAreNotPlainRelativePaths(string path) =>
        Assert.Throws<ArgumentException>(() => Snapshot((path, "x")));

    [Fact]
    public void NormalisesBackslashes() =>
        Assert.Equal(["src/a.cs"], Snapshot((@"src\a.cs", "x")).Files.Keys);

    [Fact]
    public void MissingDirectoryThrows() =>
        Assert.Throws<DirectoryNotFoundException>(() => DirectorySnapshot.FromDirectory(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"))));

    [Fact]
    public void TextTransformLeavesBinaryFilesAlone()
    {
        var snapshot = new DirectorySnapshot([new("a.txt", "secret"u8.ToArray()), new("b.bin", new byte[] { 0, (byte)'s' })]);

        var scrubbed = snapshot.TransformText(text => text.Replace("secret", "***", StringComparison.Ordinal));

        Assert.Equal("***", Encoding.UTF8.GetString(scrubbed.Files["a.txt"]));
        Assert.Equal(new byte[] { 0, (byte)'s' }, scrubbed.Files["b.bin"]);
    }

    private static DirectorySnapshot Snapshot(params (string Path, string Content)[] files) =>
        new(files.Select(f => new KeyValuePair<string, byte[]>(f.Path, Encoding.UTF8.GetBytes(f.Content))));

    private static void Write(TemporaryDirectory dir, string relativePath, string content)
    {
        var path = Path.Combine([dir.Path, .. relativePath.Split('/')]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
