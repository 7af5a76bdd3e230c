using System.Globalization;

namespace Heroku.AspNetCore.Tests.Settings;

/// <summary>
/// The platform's variables as an app's settings type reads them (<c>SettingsReader.Read(configuration, env =&gt; …)</c>),
/// and the parsers in <see cref="Parse"/>.
/// </summary>
public sealed class HerokuSettingsTests
{
    private const string StrongSecret = "kR7#pW2!xL9@mQ4$vN8^bT1&zH6*cJ3%";
    private const string DatabasePassword = "s3cr3t-p4ss";

    private static Dictionary<string, string?> ValidEnvironment() => new()
    {
        ["SECRET_KEY"] = StrongSecret,
        ["ALLOWED_HOSTS"] = "my-app.herokuapp.com, www.example.com",
    };

    private static T Read<T>(Dictionary<string, string?> environment, Func<SettingsReader, T> declare) =>
        SettingsReader.Read(TestSettings.Configuration(environment), declare);

    // A settings type of the smallest kind: the platform's variables and nothing else.
    private static HerokuSettings Read(Dictionary<string, string?> environment) => Read(environment, env => new HerokuSettings(env));

    private static InvalidSettingsException ReadInvalid(Dictionary<string, string?> environment) =>
        Assert.Throws<InvalidSettingsException>(() => Read(environment));

    private static HerokuSettings With(string name, string value)
    {
        var environment = ValidEnvironment();
        environment[name] = value;
        return Read(environment);
    }

    private static SettingProblem ProblemWith(string name, string? value)
    {
        var environment = ValidEnvironment();
        environment[name] = value;
        return Assert.Single(ReadInvalid(environment).Problems);
    }

    [Fact]
    public void Reads_every_variable_as_its_type()
    {
        var environment = ValidEnvironment();
        environment["DEBUG"] = "true";
        environment["PORT"] = "8080";
        environment["HEROKU_APP_DEFAULT_DOMAIN_NAME"] = "my-app-1234567890ab.herokuapp.com";
        environment["FORM_POSTS_PER_MINUTE"] = "30";

        var settings = Read(environment);

        Assert.Equal(StrongSecret, settings.SecretKey);
        Assert.True(settings.Debug);
        Assert.Equal(["my-app.herokuapp.com", "www.example.com"], settings.AllowedHosts);
        Assert.Equal(8080, settings.Port);
        Assert.Equal("my-app-1234567890ab.herokuapp.com", settings.HerokuAppDefaultDomainName);
        Assert.Equal(30, settings.FormPostsPerMinute);
    }

    [Fact]
    public void Optional_variables_fall_back_to_their_defaults()
    {
        var settings = Read(ValidEnvironment());

        Assert.False(settings.Debug);
        Assert.Null(settings.Port);
        Assert.Null(settings.HerokuAppDefaultDomainName);
        Assert.Null(settings.FormPostsPerMinute);
    }

    [Theory]
    [InlineData("0")] [InlineData("-1")] [InlineData("100001")] [InlineData("ten")]
    public void Form_posts_per_minute_is_a_whole_number_from_1_to_100000(string value) =>
        Assert.Equal("FORM_POSTS_PER_MINUTE", ProblemWith("FORM_POSTS_PER_MINUTE", value).Name);

    [Fact]
    public void Values_are_trimmed_and_an_empty_one_counts_as_unset()
    {
        var environment = ValidEnvironment();
        environment["PORT"] = "  8080 ";
        environment["DEBUG"] = "   ";

        var settings = Read(environment);

        Assert.Equal(8080, settings.Port);
        Assert.False(settings.Debug);
    }

    [Fact]
    public void Every_missing_required_variable_is_named_in_one_report()
    {
        var problems = ReadInvalid([]).Problems.Select(problem => problem.Name);

        Assert.Equal(["SECRET_KEY", "ALLOWED_HOSTS"], problems);
    }

    [Fact]
    public void One_report_names_the_missing_variables_of_every_part_of_the_settings_type()
    {
        // An app's settings type holds the platform's settings, the database's and its own: one reader reads them all.
        var exception = Assert.Throws<InvalidSettingsException>(() =>
            Read([], env => (Heroku: new HerokuSettings(env), Database: new DatabaseSettings(env))));

        Assert.Equal(["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"], exception.Problems.Select(problem => problem.Name));
    }

    [Fact]
    public void The_reader_lists_every_variable_in_the_order_declared()
    {
        var reader = new SettingsReader(TestSettings.Configuration(ValidEnvironment()));

        _ = new HerokuSettings(reader);

        Assert.Equal(["SECRET_KEY", "DEBUG", "HEROKU_APP_DEFAULT_DOMAIN_NAME", "ALLOWED_HOSTS", "PORT", "FORM_POSTS_PER_MINUTE"], reader.Names);
    }

    // pydantic tests/test_types.py, test_bool_validation: its string inputs.
    [Theory]
    [InlineData("true", true)] [InlineData("True", true)] [InlineData("TRUE", true)] [InlineData("1", true)]
    [InlineData("yes", true)] [InlineData("on", true)] [InlineData("t", true)] [InlineData("Y", true)]
    [InlineData("false", false)] [InlineData("False", false)] [InlineData("0", false)] [InlineData("no", false)]
    [InlineData("off", false)] [InlineData("f", false)] [InlineData("N", false)]
    public void Booleans_take_pydantics_words_in_any_case(string value, bool expected) =>
        Assert.Equal(expected, With("DEBUG", value).Debug);

    // pydantic tests/test_types.py, test_bool_validation ('2' is an error, id 2_str); the others follow its rule.
    [Theory]
    [InlineData("2")] [InlineData("maybe")] [InlineData("tru")] [InlineData("yess")]
    public void Any_other_boolean_is_an_error(string value) =>
        Assert.Contains("not a boolean", ProblemWith("DEBUG", value).Reason);

    // pydantic-settings tests/test_settings.py, test_list: a list variable is a JSON array; comma-separated words stay accepted.
    [Theory]
    [InlineData("[\"russet\", \"granny smith\"]", new[] { "russet", "granny smith" })]
    [InlineData("[\"*\"]", new[] { "*" })]
    [InlineData("a.example.com,b.example.com", new[] { "a.example.com", "b.example.com" })]
    [InlineData(" a.example.com , , b.example.com ", new[] { "a.example.com", "b.example.com" })]
    [InlineData("*", new[] { "*" })]
    public void Lists_are_a_json_array_or_comma_separated(string value, string[] expected) =>
        Assert.Equal(expected, Parse.List(value));

    // pydantic-settings tests/test_settings.py, test_invalid_json: a malformed JSON array is an error.
    [Theory]
    [InlineData("[\"russet\", \"granny smith\",]")]
    [InlineData("[1, 2]")]
    public void A_malformed_json_array_is_an_error(string value) =>
        Assert.Contains("JSON array", Assert.Throws<FormatException>(() => Parse.List(value)).Message);

    [Fact]
    public void Allowed_hosts_take_a_json_array() => Assert.Equal(["*"], With("ALLOWED_HOSTS", "[\"*\"]").AllowedHosts);

    [Theory]
    [InlineData("[]", "lists nothing")]
    [InlineData(",", "lists nothing")]
    [InlineData("https://my-app.herokuapp.com", "host names only")]
    [InlineData("my-app.herokuapp.com:443", "host names only")]
    [InlineData("my-app.herokuapp.com/path", "host names only")]
    public void A_malformed_list_is_an_error(string value, string reason) =>
        Assert.Contains(reason, ProblemWith("ALLOWED_HOSTS", value).Reason);

    [Theory]
    [InlineData("*.example.com", new[] { "*.example.com" })]
    [InlineData("localhost, [::1]", new[] { "localhost", "[::1]" })]
    [InlineData("[\"[::1]\"]", new[] { "[::1]" })]
    public void Allowed_hosts_take_what_host_filtering_matches(string value, string[] expected) =>
        Assert.Equal(expected, With("ALLOWED_HOSTS", value).AllowedHosts);

    [Fact]
    public void Without_allowed_hosts_the_app_answers_herokus_default_domain()
    {
        var environment = ValidEnvironment();
        environment.Remove("ALLOWED_HOSTS");
        environment["HEROKU_APP_DEFAULT_DOMAIN_NAME"] = "my-app-1234567890ab.herokuapp.com";

        Assert.Equal(["my-app-1234567890ab.herokuapp.com"], Read(environment).AllowedHosts);
    }

    [Fact]
    public void Allowed_hosts_when_set_is_the_whole_list()
    {
        var environment = ValidEnvironment();
        environment["HEROKU_APP_DEFAULT_DOMAIN_NAME"] = "my-app-1234567890ab.herokuapp.com";

        Assert.Equal(["my-app.herokuapp.com", "www.example.com"], Read(environment).AllowedHosts);
    }

    [Fact]
    public void A_malformed_default_domain_is_reported_once_under_its_own_name()
    {
        var environment = ValidEnvironment();
        environment.Remove("ALLOWED_HOSTS");
        environment["HEROKU_APP_DEFAULT_DOMAIN_NAME"] = "https://my-app.herokuapp.com";

        var problem = Assert.Single(ReadInvalid(environment).Problems);

        Assert.Equal("HEROKU_APP_DEFAULT_DOMAIN_NAME", problem.Name);
    }

    [Fact]
    public void Without_either_the_report_says_what_to_set()
    {
        var problem = ProblemWith("ALLOWED_HOSTS", null);

        Assert.Equal("is not set", problem.Reason);
        Assert.Contains("runtime-dyno-metadata", problem.Expected);
    }

    [Theory]
    [InlineData("web", "not a whole number")]
    [InlineData("0", "between 1 and 65535")]
    [InlineData("70000", "between 1 and 65535")]
    public void A_port_must_be_a_tcp_port(string value, string reason) =>
        Assert.Contains(reason, ProblemWith("PORT", value).Reason);

    [Theory]
    [InlineData("short")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void A_weak_secret_key_is_refused_without_being_repeated(string secret)
    {
        var environment = ValidEnvironment();
        environment["SECRET_KEY"] = secret;

        var exception = ReadInvalid(environment);

        Assert.Equal("SECRET_KEY", Assert.Single(exception.Problems).Name);
        Assert.DoesNotContain(secret, exception.Message);
    }

    [Fact]
    public void The_value_of_a_malformed_setting_is_shown()
    {
        var environment = ValidEnvironment();
        environment["PORT"] = "eighty";

        Assert.Contains("\"eighty\"", ReadInvalid(environment).Message);
    }

    [Fact]
    public void The_report_says_how_to_fix_each_problem()
    {
        var message = ReadInvalid([]).Message;

        Assert.Contains("SECRET_KEY", message);
        Assert.Contains("openssl rand", message);
        Assert.Contains("heroku config:set", message);
    }

    [Fact]
    public void The_database_pool_size_defaults_to_5()
    {
        var settings = Read(new() { ["DATABASE_URL"] = $"postgres://app:{DatabasePassword}@db.example.com:5432/app" },
            env => new DatabaseSettings(env));

        Assert.Equal(5, settings.PoolSize);
        Assert.Equal("db.example.com", settings.Url.Host);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    public void The_database_pool_size_is_from_1_to_100(string value)
    {
        var exception = Assert.Throws<InvalidSettingsException>(() => Read(
            new() { ["DATABASE_URL"] = "postgres://app@db.example.com/app", ["DATABASE_POOL_SIZE"] = value },
            env => new DatabaseSettings(env)));

        Assert.Equal("DATABASE_POOL_SIZE", Assert.Single(exception.Problems).Name);
    }

    [Theory]
    [InlineData("mysql://app:{0}@db.example.com/app", "postgres://")]
    [InlineData("postgres://app:{0}@ho st/app", "not a host name")]
    public void A_malformed_database_url_is_reported_without_its_password(string url, string reason)
    {
        var environment = new Dictionary<string, string?> { ["DATABASE_URL"] = string.Format(CultureInfo.InvariantCulture, url, DatabasePassword) };

        var exception = Assert.Throws<InvalidSettingsException>(() => Read(environment, env => new DatabaseSettings(env)));

        Assert.Contains(reason, Assert.Single(exception.Problems).Reason);
        Assert.DoesNotContain(DatabasePassword, exception.Message);
    }
}
