using Heroku.AspNetCore;
using Microsoft.Extensions.Configuration;

namespace MyApp.Tests.Settings;

/// <summary>
/// The app's own settings. How each kind of value is read (booleans, lists, hosts, secrets) is the
/// platform's, and tested with it.
/// </summary>
public sealed class AppSettingsTests
{
    private static Dictionary<string, string?> ValidEnvironment() => new()
    {
        ["SECRET_KEY"] = "kR7#pW2!xL9@mQ4$vN8^bT1&zH6*cJ3%",
        ["ALLOWED_HOSTS"] = "my-app.herokuapp.com",
        ["DATABASE_URL"] = "postgres://app:s3cr3t@db.example.com:5432/app",
    };

    private static AppSettings Read(Dictionary<string, string?> environment) =>
        SettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(environment).Build(), env => new AppSettings(env));

    [Fact]
    public void Every_missing_required_variable_is_named_in_one_report()
    {
        var problems = Assert.Throws<InvalidSettingsException>(() => Read([])).Problems.Select(problem => problem.Name);

        Assert.Equal(["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"], problems);
    }

    [Fact]
    public void The_site_name_defaults_to_the_apps_name() => Assert.Equal("MyApp", Read(ValidEnvironment()).SiteName);

    [Fact]
    public void The_site_name_is_read_from_SITE_NAME()
    {
        var environment = ValidEnvironment();
        environment["SITE_NAME"] = "Corner Shop";

        Assert.Equal("Corner Shop", Read(environment).SiteName);
    }

    [Fact]
    public void The_contact_email_is_read_from_CONTACT_EMAIL()
    {
        var environment = ValidEnvironment();
        environment["CONTACT_EMAIL"] = "Owner <owner@example.com>";

        Assert.Equal("owner@example.com", Read(environment).ContactEmail?.Address);
    }

    [Fact]
    public void A_contact_email_that_is_not_one_address_is_named_in_the_report()
    {
        var environment = ValidEnvironment();
        environment["CONTACT_EMAIL"] = "owner";

        var problem = Assert.Single(Assert.Throws<InvalidSettingsException>(() => Read(environment)).Problems);

        Assert.Equal("CONTACT_EMAIL", problem.Name);
    }
}
