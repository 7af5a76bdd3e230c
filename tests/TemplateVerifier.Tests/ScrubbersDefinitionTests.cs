using System.Text;
using System.Text.RegularExpressions;

namespace TemplateVerifier.Tests;

public class ScrubbersDefinitionTests
{
    [Fact]
    public void RunsByPathThenByExtensionThenGeneralScrubbers()
    {
        var scrubbers = ScrubbersDefinition.Empty
            .AddScrubber(sb => sb.Append("|general"))
            .AddScrubber(sb => sb.Append("|env"), "env")
            .AddScrubber((path, sb) => sb.Append("|path:" + path));

        Assert.Equal("x|path:app/.env|env|general", scrubbers.Scrub("app/.env", "x"));
        Assert.Equal("x|path:app/a.txt|general", scrubbers.Scrub("app/a.txt", "x"));
    }

    [Fact]
    public void ExtensionMayBeGivenWithADot()
    {
        var scrubbers = ScrubbersDefinition.Empty.AddScrubber(sb => sb.Replace("a", "b"), ".json");

        Assert.Equal("b", scrubbers.Scrub("x/appsettings.json", "a"));
        Assert.Equal("a", scrubbers.Scrub("x/a.txt", "a"));
    }

    [Fact]
    public void AddScrubberReturnsANewDefinition()
    {
        var one = ScrubbersDefinition.Empty.AddScrubber(sb => sb.Append('!'));

        Assert.Equal("x", ScrubbersDefinition.Empty.Scrub("a.txt", "x"));
        Assert.Equal("x!", one.Scrub("a.txt", "x"));
    }

    [Fact]
    public void RegexScrubberReplacesEveryMatch()
    {
        var scrubbers = ScrubbersDefinition.Empty.AddScrubber(new Regex("(?m)^(SECRET_KEY=).*$"), "$1{scrubbed}", "env");

        Assert.Equal(
            "PORT=5000\nSECRET_KEY={scrubbed}\nSECRET_KEY={scrubbed}\n",
            scrubbers.Scrub(".env", "PORT=5000\nSECRET_KEY=3f9a8c\nSECRET_KEY=abc\n"));
    }

    [Fact]
    public void ConstructorTakesAFirstScrubber()
    {
        var scrubbers = new ScrubbersDefinition(sb => sb.Replace("2024", "YEAR"), "md");

        Assert.Equal("YEAR", scrubbers.Scrub("README.md", "2024"));
    }

    [Fact]
    public void OptionsEnvironmentMergesWithLaterValuesWinning()
    {
        var options = new TemplateVerifierOptions("t")
            .WithEnvironmentVariable("A", "1")
            .WithCustomEnvironment(new Dictionary<string, string> { ["A"] = "2", ["B"] = "3" });

        Assert.Equal(new Dictionary<string, string> { ["A"] = "2", ["B"] = "3" }, options.Environment);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void AutoVerifyIsReadFromVerifyEnvironmentVariable(string? value, bool expected)
    {
        var engine = new VerificationEngine(null, name => name == "Verify_AutoVerify" ? value : null);

        Assert.Equal(expected, engine.IsAutoVerifyEnabled());
    }
}
