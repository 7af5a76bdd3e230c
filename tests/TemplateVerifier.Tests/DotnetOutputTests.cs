namespace TemplateVerifier.Tests;

public class DotnetOutputTests
{
    [Theory]
    [InlineData("Error: Invalid option(s):")]
    [InlineData("  error: something went wrong")]
    [InlineData("/tmp/app/Broken.csproj(5,1): error MSB4025: The project file could not be loaded.")]
    [InlineData("Program.cs(3,10): error CS1002: ; expected [/tmp/app/app.csproj]")]
    [InlineData("/tmp/app/app.csproj : error NU1101: Unable to find package Foo.")]
    [InlineData("MSBUILD : error MSB1009: Project file does not exist.")]
    [InlineData("/tmp/app/app.csproj : error : The SDK was not found.")]
    [InlineData("Restore failed.")]
    [InlineData("Post action failed.")]
    public void RecognisesErrorLines(string line) => Assert.True(DotnetOutput.IsErrorLine(line));

    [Theory]
    [InlineData("  Create: app/error.cs")]
    [InlineData("  Create: app/Errors/Error.txt")]
    [InlineData("The template \"Web App\" was created successfully.")]
    [InlineData("    0 Error(s)")]
    [InlineData("Restore succeeded.")]
    [InlineData("Warning: the template is deprecated.")]
    [InlineData("/tmp/app/app.csproj : warning NU1603: Foo 1.0 was not found.")]
    [InlineData("Processing post-creation actions...")]
    [InlineData("Handles error pages via UseExceptionHandler")]
    [InlineData("")]
    public void IgnoresOrdinaryLines(string line) => Assert.False(DotnetOutput.IsErrorLine(line));

    [Fact]
    public void FindsErrorLinesInBothStreams()
    {
        var errors = DotnetOutput.FindErrorLines(
            "The template \"x\" was created successfully.\r\nRestoring app.csproj:\r\n",
            "Restore failed.\nPost action failed.\nManual instructions: Run 'dotnet restore'\n");

        Assert.Equal(["Restore failed.", "Post action failed."], errors);
    }
}
