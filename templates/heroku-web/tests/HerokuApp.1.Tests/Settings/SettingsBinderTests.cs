using Microsoft.Extensions.Configuration;
using HerokuApp._1.Settings;

namespace HerokuApp._1.Tests.Settings;

public sealed class SettingsBinderTests
{
    private const string StrongSecret = "kR7#pW2!xL9@mQ4$vN8^bT1&zH6*cJ3%";
#if (UsePostgres)
    private const string DatabasePassword = "s3cr3t-p4ss";
#endif

    private static Dictionary<string, string?> ValidEnvironment() => new()
    {
        ["SECRET_KEY"] = StrongSecret,
        ["ALLOWED_HOSTS"] = "my-app.herokuapp.com, www.example.com",
#if (UsePostgres)
        ["DATABASE_URL"] = $"postgres://app:{DatabasePassword}@db.example.com:5432/app",
#endif
    };

    private static AppSettings Bind(Dictionary<string, string?> environment) =>
        SettingsBinder.Bind<AppSettings>(new ConfigurationBuilder().AddInMemoryCollection(environment).Build());

    private static InvalidSettingsException BindInvalid(Dictionary<string, string?> environment) =>
        Assert.Throws<InvalidSettingsException>(() => Bind(environment));

    [Fact]
    public void Binds_every_variable_to_its_type()
    {
        var environment = ValidEnvironment();
        environment["DEBUG"] = "true";
        environment["PORT"] = "8080";

        var settings = Bind(environment);

        Assert.Equal(StrongSecret, settings.SecretKey);
        Assert.True(settings.Debug);
        Assert.Equal(["my-app.herokuapp.com", "www.example.com"], settings.AllowedHosts);
        Assert.Equal(8080, settings.Port);
    }

    [Fact]
    public void Optional_variables_fall_back_to_their_defaults()
    {
        var settings = Bind(ValidEnvironment());

        Assert.False(settings.Debug);
        Assert.Null(settings.Port);
#if (UsePostgres)
        Assert.Equal(5, settings.DatabasePoolSize);
#endif
    }

    [Fact]
    public void Every_missing_required_variable_is_named_in_one_report()
    {
        var problems = BindInvalid([]).Problems.Select(problem => problem.Name);

#if (UsePostgres)
        Assert.Equal(["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"], problems);
#else
        Assert.Equal(["SECRET_KEY", "ALLOWED_HOSTS"], problems);
#endif
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("2")]
    [InlineData("tru")]
    public void A_boolean_that_is_neither_true_nor_false_is_an_error(string value)
    {
        var environment = ValidEnvironment();
        environment["DEBUG"] = value;

        var problem = Assert.Single(BindInvalid(environment).Problems);

        Assert.Equal("DEBUG", problem.Name);
        Assert.Contains("not a boolean", problem.Reason);
    }

    [Theory]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("on", true)]
    [InlineData("no", false)]
    [InlineData("0", false)]
    public void Booleans_accept_the_usual_spellings(string value, bool expected)
    {
        var environment = ValidEnvironment();
        environment["DEBUG"] = value;

        Assert.Equal(expected, Bind(environment).Debug);
    }

    [Theory]
    [InlineData("web", "not a whole number")]
    [InlineData("0", "between 1 and 65535")]
    [InlineData("70000", "between 1 and 65535")]
    public void A_port_must_be_a_tcp_port(string value, string reason)
    {
        var environment = ValidEnvironment();
        environment["PORT"] = value;

        var problem = Assert.Single(BindInvalid(environment).Problems);

        Assert.Equal("PORT", problem.Name);
        Assert.Contains(reason, problem.Reason);
    }

    [Theory]
    [InlineData("https://my-app.herokuapp.com")]
    [InlineData("my-app.herokuapp.com:443")]
    [InlineData("my-app.herokuapp.com/path")]
    public void Allowed_hosts_are_host_names_not_urls(string value)
    {
        var environment = ValidEnvironment();
        environment["ALLOWED_HOSTS"] = value;

        Assert.Equal("ALLOWED_HOSTS", Assert.Single(BindInvalid(environment).Problems).Name);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void A_weak_secret_key_is_refused_without_being_repeated(string secret)
    {
        var environment = ValidEnvironment();
        environment["SECRET_KEY"] = secret;

        var exception = BindInvalid(environment);

        Assert.Equal("SECRET_KEY", Assert.Single(exception.Problems).Name);
        Assert.DoesNotContain(secret, exception.Message);
    }

    [Fact]
    public void The_value_of_a_malformed_setting_is_shown()
    {
        var environment = ValidEnvironment();
        environment["PORT"] = "eighty";

        Assert.Contains("\"eighty\"", BindInvalid(environment).Message);
    }
#if (UsePostgres)

    [Fact]
    public void A_malformed_database_url_is_reported_without_its_password()
    {
        var environment = ValidEnvironment();
        environment["DATABASE_URL"] = $"mysql://app:{DatabasePassword}@db.example.com/app";

        var exception = BindInvalid(environment);

        Assert.Equal("DATABASE_URL", Assert.Single(exception.Problems).Name);
        Assert.DoesNotContain(DatabasePassword, exception.Message);
    }
#endif

    [Fact]
    public void The_report_says_how_to_fix_each_problem()
    {
        var message = BindInvalid([]).Message;

        Assert.Contains("SECRET_KEY", message);
        Assert.Contains("openssl rand", message);
        Assert.Contains("heroku config:set", message);
    }
}
