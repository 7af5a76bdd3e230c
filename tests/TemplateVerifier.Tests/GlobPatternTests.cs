namespace TemplateVerifier.Tests;

public class GlobPatternTests
{
    [Theory]
    [InlineData("*.cs", "Program.cs", true)]
    [InlineData("*.cs", "src/deep/Program.cs", true)] // no '/' in the pattern: matched against the file name
    [InlineData("*.cs", "Program.csproj", false)]
    [InlineData("src/*.cs", "src/Program.cs", true)]
    [InlineData("src/*.cs", "src/deep/Program.cs", false)] // '*' stays within a directory
    [InlineData("src/**", "src/deep/Program.cs", true)]
    [InlineData("**/bin/**", "bin/Debug/app.dll", true)] // '**/' matches zero directories
    [InlineData("**/bin/**", "app/bin/Debug/app.dll", true)]
    [InlineData("**/bin/**", "binder/file.txt", false)]
    [InlineData("**/obj/**", "app/obj/project.assets.json", true)]
    [InlineData(".env", "app/.env", true)]
    [InlineData(".env", "app/.envrc", false)]
    [InlineData("Procfile", "app/Procfile", true)]
    [InlineData("file?.txt", "file1.txt", true)]
    [InlineData("file?.txt", "file12.txt", false)]
    [InlineData("[ab].txt", "a.txt", true)]
    [InlineData("[ab].txt", "c.txt", false)]
    [InlineData("!*.md", "README.md", false)]
    [InlineData("!*.md", "Program.cs", true)]
    [InlineData("a+b(1).txt", "a+b(1).txt", true)] // regex metacharacters are literal
    [InlineData(@"**\obj\*", "x/obj/a.json", true)] // Windows-style separators are accepted
    public void MatchesLikeTheTemplateEngineGlob(string pattern, string path, bool expected) =>
        Assert.Equal(expected, GlobPattern.Parse(pattern).IsMatch(path));

    [Fact]
    public void FilterIncludesEverythingWithoutPatterns() =>
        Assert.True(new PathFilter(null, null).IsIncluded("any/file.txt"));

    [Fact]
    public void FilterAppliesIncludesThenExcludes()
    {
        var filter = new PathFilter(["**/*.cs", "*.md"], ["**/obj/**"]);

        Assert.True(filter.IsIncluded("src/Program.cs"));
        Assert.True(filter.IsIncluded("README.md"));
        Assert.False(filter.IsIncluded("obj/Generated.cs"));
        Assert.False(filter.IsIncluded("app.json"));
    }
}
