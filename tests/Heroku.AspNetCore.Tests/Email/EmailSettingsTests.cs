using MailKit.Security;

namespace Heroku.AspNetCore.Tests.Email;

/// <summary>
/// Where email goes: EMAIL_URL, else what Heroku's Mailgun add-on sets, else SendGrid's relay with an API key;
/// and DEFAULT_FROM_EMAIL, as Django names it.
/// </summary>
public sealed class EmailSettingsTests
{
    private const string Password = "s3cr3t-pa55";

    // What `heroku addons:create mailgun` sets.
    private static Dictionary<string, string?> Mailgun() => new()
    {
        ["MAILGUN_SMTP_SERVER"] = "smtp.mailgun.org",
        ["MAILGUN_SMTP_PORT"] = "587",
        ["MAILGUN_SMTP_LOGIN"] = "postmaster@mg.example.com",
        ["MAILGUN_SMTP_PASSWORD"] = Password,
    };

    private static InvalidSettingsException ReadInvalid(Dictionary<string, string?> variables) =>
        Assert.Throws<InvalidSettingsException>(() => TestSettings.Email(variables));

    [Fact]
    public void Without_any_variable_there_is_no_server_and_email_is_from_webmaster_at_localhost()
    {
        var settings = TestSettings.Email([]);

        Assert.Null(settings.Server);
        Assert.Equal("webmaster@localhost", settings.DefaultFromEmail.Address);
    }

    [Fact]
    public void Email_url_names_the_server()
    {
        var server = TestSettings.Email($"smtp+tls://mailer:{Password}@smtp.example.com:587").Server;

        Assert.NotNull(server);
        Assert.Equal(("smtp.example.com", 587, SecureSocketOptions.StartTls, "mailer", Password, "EMAIL_URL"),
            (server.Host, server.Port, server.Security, server.UserName, server.Password, server.Source));
    }

    [Fact]
    public void Without_email_url_the_mailgun_add_ons_variables_give_its_server_with_starttls()
    {
        var server = TestSettings.Email(Mailgun()).Server;

        Assert.NotNull(server);
        Assert.Equal(("smtp.mailgun.org", 587, SecureSocketOptions.StartTls, "postmaster@mg.example.com", Password, "MAILGUN_SMTP_SERVER"),
            (server.Host, server.Port, server.Security, server.UserName, server.Password, server.Source));
    }

    [Theory]
    [InlineData("465", 465, SecureSocketOptions.SslOnConnect)] // Mailgun's TLS port
    [InlineData("2525", 2525, SecureSocketOptions.StartTls)]
    [InlineData(null, 587, SecureSocketOptions.StartTls)]
    public void Mailguns_port_decides_how_tls_starts(string? port, int expectedPort, SecureSocketOptions expected)
    {
        var variables = Mailgun();
        variables["MAILGUN_SMTP_PORT"] = port;

        var server = TestSettings.Email(variables).Server;

        Assert.Equal((expectedPort, expected), (server?.Port, server?.Security));
    }

    [Fact]
    public void Mailguns_server_without_its_login_and_password_names_both()
    {
        var variables = Mailgun();
        variables.Remove("MAILGUN_SMTP_LOGIN");
        variables.Remove("MAILGUN_SMTP_PASSWORD");

        Assert.Equal(["MAILGUN_SMTP_LOGIN", "MAILGUN_SMTP_PASSWORD"], ReadInvalid(variables).Problems.Select(problem => problem.Name));
    }

    [Fact]
    public void Without_email_url_or_mailgun_a_sendgrid_api_key_sends_through_sendgrids_relay()
    {
        var server = TestSettings.Email(new Dictionary<string, string?> { ["SENDGRID_API_KEY"] = "SG.key" }).Server;

        Assert.NotNull(server);
        Assert.Equal(("smtp.sendgrid.net", 587, SecureSocketOptions.StartTls, "apikey", "SG.key", "SENDGRID_API_KEY"),
            (server.Host, server.Port, server.Security, server.UserName, server.Password, server.Source));
    }

    [Fact]
    public void Email_url_wins_over_the_add_ons_and_mailgun_over_sendgrid()
    {
        var variables = Mailgun();
        variables["SENDGRID_API_KEY"] = "SG.key";

        Assert.Equal("MAILGUN_SMTP_SERVER", TestSettings.Email(variables).Server?.Source);

        variables["EMAIL_URL"] = "smtp+ssl://u:p@smtp.example.com";
        Assert.Equal("EMAIL_URL", TestSettings.Email(variables).Server?.Source);
    }

    [Theory]
    [InlineData("noreply@shop.example.com", "", "noreply@shop.example.com")]
    [InlineData("Corner Shop <noreply@shop.example.com>", "Corner Shop", "noreply@shop.example.com")]
    [InlineData("\"Shop, Inc.\" <noreply@shop.example.com>", "Shop, Inc.", "noreply@shop.example.com")]
    public void Default_from_email_takes_an_address_with_or_without_a_name(string value, string name, string address)
    {
        var from = TestSettings.Email(new Dictionary<string, string?> { ["DEFAULT_FROM_EMAIL"] = value }).DefaultFromEmail;

        Assert.Equal((name, address), (from.Name ?? "", from.Address));
    }

    [Theory]
    [InlineData("noreply")]
    [InlineData("a@example.com, b@example.com")]
    [InlineData("<>")]
    public void Default_from_email_must_be_one_address(string value)
    {
        var problem = Assert.Single(ReadInvalid(new() { ["DEFAULT_FROM_EMAIL"] = value }).Problems);

        Assert.Equal("DEFAULT_FROM_EMAIL", problem.Name);
        Assert.Contains("not one email address", problem.Reason);
    }

    [Theory]
    [InlineData("smtp+tls://mailer:{0}@smtp.example.com:port")]
    [InlineData("mailgun://mailer:{0}@smtp.example.com")]
    [InlineData("smtp+tls://mailer:{0}@smtp.example.com:587?timeout=later")]
    public void A_bad_email_url_is_named_in_the_settings_report_without_its_password(string url)
    {
        var report = ReadInvalid(new() { ["EMAIL_URL"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, url, Password) }).Message;

        Assert.Contains(report.Split('\n'), line => line.StartsWith("  EMAIL_URL ", StringComparison.Ordinal) && line.Contains("value hidden: secret"));
        Assert.DoesNotContain(Password, report);
    }

    [Fact]
    public void The_reader_lists_every_variable_in_the_order_declared()
    {
        var reader = new SettingsReader(TestSettings.Configuration([]));

        _ = new EmailSettings(reader);

        Assert.Equal(["EMAIL_URL", "MAILGUN_SMTP_SERVER", "MAILGUN_SMTP_PORT", "MAILGUN_SMTP_LOGIN", "MAILGUN_SMTP_PASSWORD", "SENDGRID_API_KEY", "DEFAULT_FROM_EMAIL"],
            reader.Names);
    }
}
