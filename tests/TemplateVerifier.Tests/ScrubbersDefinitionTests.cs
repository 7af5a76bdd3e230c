using System.Text.RegularExpressions;

namespace TemplateVerifier.Tests;

public class ScrubbersDefinitionTests
{
    [Fact]
    public void RegexScrubbersReplaceEveryMatchInOrder()
    {
        var scrubbers = ScrubbersDefinition.Empty
            .AddScrubber(new Regex("(?m)^(SECRET_KEY=).*$"), "$1{scrubbed}")
            .AddScrubber(new Regex("\\{scrubbed\\}"), "<secret>");

        Assert.Equal(
            "PORT=5000\nSECRET_KEY=<secret>\nSECRET_KEY=<secret>\n",
            scrubbers.Scrub("PORT=5000\nSECRET_KEY=3f9a8c\nSECRET_KEY=abc\n"));
    }

    [Fact]
    public void AddScrubberReturnsANewDefinition()
    {
        var one = ScrubbersDefinition.Empty.AddScrubber(new Regex("x"), "y");

        Assert.Equal("x", ScrubbersDefinition.Empty.Scrub("x"));
        Assert.Equal("y", one.Scrub("x"));
    }

    [Fact]
    public void OutputAndHivePathsAreScrubbedWithEitherSeparatorNestedOnesFirst()
    {
        var scrubbed = VerificationEngine.ScrubPaths(
            "Restoring /tmp/out/app/App.csproj in /tmp/out with --debug:custom-hive /tmp/out/hive/ (\\tmp\\out\\x)",
            "/tmp/out/",
            "/tmp/out/hive");

        Assert.Equal("Restoring {OutputDirectory}/app/App.csproj in {OutputDirectory} with --debug:custom-hive {SettingsDirectory}/ ({OutputDirectory}\\x)", scrubbed);
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
