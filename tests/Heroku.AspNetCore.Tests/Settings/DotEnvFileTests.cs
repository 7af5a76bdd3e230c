namespace Heroku.AspNetCore.Tests.Settings;

/// <summary>.env read as python-dotenv reads it; the cases come from its own suite.</summary>
public sealed class DotEnvFileTests
{
    private static IReadOnlyDictionary<string, string> Parse(string text, Dictionary<string, string>? environment = null) =>
        DotEnvFile.Parse(text, ".env", name => environment?.GetValueOrDefault(name));

    // python-dotenv tests/test_parser.py, test_parse_stream: (input, key, value).
    [Theory]
    [InlineData("a=b", "a", "b")]
    [InlineData("'a'=b", "a", "b")]
    [InlineData(" a = b ", "a", "b")]
    [InlineData("export a=b", "a", "b")]
    [InlineData(" export 'a'=b", "a", "b")]
    [InlineData("export export_a=1", "export_a", "1")]
    [InlineData("a=b#c", "a", "b#c")]
    [InlineData("a=b #c", "a", "b")]
    [InlineData("a=b\t#c", "a", "b")]
    [InlineData("a= #c", "a", "")]
    [InlineData("a=  # comment", "a", "")]
    [InlineData("a=#b", "a", "#b")]
    [InlineData("a=b c ", "a", "b c")]
    [InlineData("a=b\tc", "a", "b\tc")]
    [InlineData("a='b c '", "a", "b c ")]
    [InlineData("a=\"b c \"", "a", "b c ")]
    [InlineData("a=\"b\nc\"", "a", "b\nc")]
    [InlineData("a='b\nc'", "a", "b\nc")]
    [InlineData("a=\"b\\nc\"", "a", "b\nc")]
    [InlineData("a='b\\nc'", "a", "b\\nc")]
    [InlineData("a=\"b\\\"c\"", "a", "b\"c")]
    [InlineData("a='b\\'c'", "a", "b'c")]
    [InlineData("a=à", "a", "à")]
    [InlineData("a=\nb=c", "a", "")]
    [InlineData("a=b\r\nc=d", "c", "d")]
    [InlineData("# comment\na=\"b\nc\"\nd=e\n", "d", "e")]
    [InlineData("uglyKey[%$=\"S3cr3t_P4ssw#rD\" #\na=b", "uglyKey[%$", "S3cr3t_P4ssw#rD")]
    [InlineData("\ufeffa=b", "a", "b")]
    public void Reads_values_as_python_dotenv_does(string text, string key, string value) =>
        Assert.Equal(value, Parse(text)[key]);

    // python-dotenv tests/test_parser.py, test_parse_stream: a bare name has no value, and a comment is no binding.
    [Theory]
    [InlineData("no_value_var")]
    [InlineData("# a=b")]
    [InlineData("\n\n")]
    public void Bare_names_and_comments_set_nothing(string text) => Assert.Empty(Parse(text));

    // python-dotenv tests/test_main.py, test_dotenv_values_string_io: (environment, input, key, value).
    [Theory]
    [InlineData("", "b=c\na=${b}", "a", "c")]
    [InlineData("", "a=${b}", "a", "")]
    [InlineData("", "a=${b:-d}", "a", "d")]
    [InlineData("b=c", "a=${b:-d}", "a", "c")]
    [InlineData("b=c", "a=\"${b}\"", "a", "c")]
    [InlineData("b=c", "a='${b}'", "a", "c")]
    [InlineData("b=c", "a=x${b}y", "a", "xcy")]
    [InlineData("a=b", "a=${a}", "a", "b")]
    [InlineData("", "a=${a:-c}", "a", "c")]
    [InlineData("b=c", "a=${b}${b}", "a", "cc")]
    [InlineData("", "a=b\na=c\nd=${a}", "d", "c")]
    [InlineData("", "a=b\nc=${a}\nd=e\nc=${d}", "c", "e")]
    [InlineData("", "a\nb=${a}", "b", "")]
    public void Interpolates_variables_as_python_dotenv_does(string environment, string text, string key, string value)
    {
        var variables = environment.Length == 0 ? [] : new Dictionary<string, string> { [environment.Split('=')[0]] = environment.Split('=')[1] };

        Assert.Equal(value, Parse(text, variables)[key]);
    }

    // python-dotenv tests/test_parser.py, test_parse_stream: these are errors there (and skipped); here they stop the app.
    [Theory]
    [InlineData("a: b", 1)]
    [InlineData("GOOD=1\na=\"\nb=c", 2)]
    [InlineData("GOOD=1\n\n  a='b' c", 3)]
    public void A_line_it_cannot_read_is_reported_by_number_and_nothing_is_read(string text, int line)
    {
        var exception = Assert.Throws<InvalidSettingsException>(() => Parse(text));

        Assert.Equal($".env line {line}", Assert.Single(exception.Problems).Name);
    }

    [Fact]
    public void A_malformed_line_is_never_repeated()
    {
        var exception = Assert.Throws<InvalidSettingsException>(() => Parse("GOOD=1\nthis line leaks hunter2\n"));

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
