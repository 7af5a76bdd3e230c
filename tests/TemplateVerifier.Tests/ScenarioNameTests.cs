namespace TemplateVerifier.Tests;

public class ScenarioNameTests
{
    [Fact]
    public void TemplateNameAndArgumentsJoinedWithHash() =>
        Assert.Equal(
            "heroku-web.--database#none",
            VerificationEngine.GetScenarioName(new TemplateVerifierOptions("heroku-web") { TemplateSpecificArgs = ["--database", "none"] }));

    [Fact]
    public void CallerMethodIsPrependedLikeTheOfficialPackage() =>
        Assert.Equal(
            "EditorConfigTests_Empty.editorconfig.--empty",
            VerificationEngine.GetScenarioName(new TemplateVerifierOptions("editorconfig") { TemplateSpecificArgs = ["--empty"] }, "EditorConfigTests_Empty"));

    [Fact]
    public void CallerMethodCanBeLeftOut() =>
        Assert.Equal(
            "heroku-web._",
            VerificationEngine.GetScenarioName(new TemplateVerifierOptions("heroku-web") { DoNotPrependCallerMethodNameToScenarioName = true }, "SomeTest"));

    [Fact]
    public void NoArgumentsGiveUnderscore() =>
        Assert.Equal(
            "TemplateEngineSamplesProjectTest.sample02._",
            VerificationEngine.GetScenarioName(new TemplateVerifierOptions("sample02"), "TemplateEngineSamplesProjectTest"));

    [Fact]
    public void ScenarioNameComesBeforeArguments() =>
        Assert.Equal(
            "heroku-web.postgres--database#postgres",
            VerificationEngine.GetScenarioName(new TemplateVerifierOptions("heroku-web") { ScenarioName = "postgres", TemplateSpecificArgs = ["--database", "postgres"] }));

    [Fact]
    public void ArgumentsCanBeLeftOut() =>
        Assert.Equal(
            "heroku-web.postgres",
            VerificationEngine.GetScenarioName(new TemplateVerifierOptions("heroku-web")
            {
                ScenarioName = "postgres",
                TemplateSpecificArgs = ["--database", "postgres"],
                DoNotAppendTemplateArgsToScenarioName = true,
            }));

    [Fact]
    public void TopLevelProgramCallerNameIsMadeFileSafe() =>
        Assert.Equal("Main$.heroku-web._", VerificationEngine.GetScenarioName(new TemplateVerifierOptions("heroku-web"), "<Main>$"));

    [Fact]
    public void CharactersInvalidInFileNamesOnAnyOsAreRemoved() =>
        Assert.Equal("--path#srcappx#--url#httplocalhost", VerificationEngine.EncodeArgsAsPath(["--path", @"src/app\x", "--url", "http://localhost"]));

    [Fact]
    public void NameAndOutputDefaultToTheTemplateName() =>
        Assert.Equal(
            ["heroku-web", "--database", "none", "-n", "heroku-web", "-o", "heroku-web", "--no-update-check"],
            VerificationEngine.BuildInstantiationArgs(new TemplateVerifierOptions("heroku-web") { TemplateSpecificArgs = ["--database", "none"] }));

    [Theory]
    [InlineData("-n", "-o")]
    [InlineData("--name", "--output")]
    [InlineData("--name=MyApp", "--output=out")]
    public void GivenNameAndOutputAreKept(string name, string output)
    {
        string[] given = name.Contains('=', StringComparison.Ordinal) ? [name, output] : [name, "MyApp", output, "out"];

        var args = VerificationEngine.BuildInstantiationArgs(new TemplateVerifierOptions("heroku-web") { TemplateSpecificArgs = given });

        Assert.Equal(["heroku-web", .. given, "--no-update-check"], args);
    }
}
