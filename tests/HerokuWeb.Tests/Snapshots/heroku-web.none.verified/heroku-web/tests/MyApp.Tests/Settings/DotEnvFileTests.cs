using MyApp.Settings;

namespace MyApp.Tests.Settings;

public sealed class DotEnvFileTests
{
    [Fact]
    public void Reads_names_values_quotes_comments_and_exports()
    {
        var values = DotEnvFile.Parse("""
            # a comment
            PLAIN=value
            export EXPORTED=yes
            SPACED = padded   # trailing comment
            DOUBLE="two words # not a comment"
            SINGLE='literal \n $HOME'
            ESCAPED="line\nbreak \"quoted\""
            BACKSLASH="C:\\"
            EMPTY=
            """, ".env");

        Assert.Equal("value", values["PLAIN"]);
        Assert.Equal("yes", values["EXPORTED"]);
        Assert.Equal("padded", values["SPACED"]);
        Assert.Equal("two words # not a comment", values["DOUBLE"]);
        Assert.Equal("literal \\n $HOME", values["SINGLE"]);
        Assert.Equal("line\nbreak \"quoted\"", values["ESCAPED"]);
        Assert.Equal("C:\\", values["BACKSLASH"]);
        Assert.Equal("", values["EMPTY"]);
    }

    [Fact]
    public void A_malformed_line_is_reported_by_number_not_by_content()
    {
        var exception = Assert.Throws<InvalidSettingsException>(() =>
            DotEnvFile.Parse("GOOD=1\nthis line leaks hunter2\n", "/app/.env"));

        Assert.Equal("/app/.env line 2", Assert.Single(exception.Problems).Name);
        Assert.DoesNotContain("hunter2", exception.Message);
    }

    [Fact]
    public void The_nearest_file_is_found_from_a_subdirectory()
    {
        var root = Directory.CreateTempSubdirectory();
        try
        {
            var nested = Directory.CreateDirectory(Path.Combine(root.FullName, "src", "App"));
            File.WriteAllText(Path.Combine(root.FullName, DotEnvFile.FileName), "A=1");

            Assert.Equal(Path.Combine(root.FullName, DotEnvFile.FileName), DotEnvFile.Find(nested.FullName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_file_above_the_solution_directory_is_not_read()
    {
        var root = Directory.CreateTempSubdirectory();
        try
        {
            var solution = Directory.CreateDirectory(Path.Combine(root.FullName, "app"));
            var project = Directory.CreateDirectory(Path.Combine(solution.FullName, "src", "App"));
            File.WriteAllText(Path.Combine(solution.FullName, "App.slnx"), "<Solution />");
            File.WriteAllText(Path.Combine(root.FullName, DotEnvFile.FileName), "SECRET_KEY=someone-else's");

            Assert.Null(DotEnvFile.Find(project.FullName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
