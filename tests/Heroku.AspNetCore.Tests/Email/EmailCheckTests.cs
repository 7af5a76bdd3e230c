using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Heroku.AspNetCore.Tests.Email;

/// <summary>Email's part of <c>check</c>: a server to send with that takes the app's login, and a sender address that can work.</summary>
public sealed class EmailCheckTests
{
    private const string Password = "s3cr3t-pa55";

    private static async Task<List<Finding>> CheckAsync(Dictionary<string, string?> variables, string environment = "Production")
    {
        var builder = TestApps.CreateBuilder(environment);
        builder.AddHeroku(TestSettings.Heroku());
        builder.AddHerokuEmail(TestSettings.Email(variables));
        await using var app = builder.Build();
        var check = app.Services.GetServices<IDeployCheck>().OfType<EmailCheck>().Single();
        return [.. await check.CheckAsync(app, [])];
    }

    [Fact]
    public async Task Outside_development_no_server_at_all_is_a_warning_that_says_what_to_set()
    {
        var finding = Assert.Single(await CheckAsync([]));

        Assert.Equal((Severity.Warning, "EMAIL_URL"), (finding.Severity, finding.Subject));
        Assert.Contains("no Mailgun add-on or SENDGRID_API_KEY", finding.Message);
    }

    [Fact]
    public async Task In_development_no_server_is_fine_as_messages_go_to_the_log() =>
        Assert.Empty(await CheckAsync([], "Development"));

    [Fact]
    public async Task Outside_development_consolemail_is_a_warning() =>
        Assert.Equal("WARNING EMAIL_URL is consolemail://: email is written to the log and never sent.",
            Assert.Single(await CheckAsync(new() { ["EMAIL_URL"] = "consolemail://" })).ToString());

    [Fact]
    public async Task A_server_that_takes_the_login_passes()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.None, ("mailer", Password));

        var findings = await CheckAsync(new()
        {
            ["EMAIL_URL"] = $"smtp://mailer:{Password}@127.0.0.1:{server.Port}",
            ["DEFAULT_FROM_EMAIL"] = "noreply@shop.example.com",
        });

        Assert.Empty(findings);
        Assert.Empty(server.Received); // nothing is sent
    }

    [Fact]
    public async Task A_server_without_the_starttls_that_mailgun_asks_for_is_an_error_named_after_mailguns_variable()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.None, ("postmaster@mg.example.com", "the-right-one"));

        var finding = Assert.Single(await CheckAsync(new()
        {
            ["MAILGUN_SMTP_SERVER"] = "127.0.0.1",
            ["MAILGUN_SMTP_PORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MAILGUN_SMTP_LOGIN"] = "postmaster@mg.example.com",
            ["MAILGUN_SMTP_PASSWORD"] = Password,
            ["DEFAULT_FROM_EMAIL"] = "noreply@shop.example.com",
        }), finding => finding.Severity == Severity.Error);

        // Mailgun's variables ask for STARTTLS, which this server does not offer: refused before any password is sent.
        Assert.Equal($"ERROR   MAILGUN_SMTP_SERVER cannot be used: at 127.0.0.1:{server.Port}, the server does not offer STARTTLS, "
            + "which MAILGUN_SMTP_SERVER asks for, so nothing was sent in the clear.", finding.ToString());
    }

    [Fact]
    public async Task A_refused_login_is_an_error_without_the_password()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.None, ("mailer", "the-right-one"));

        var finding = Assert.Single(await CheckAsync(new()
        {
            ["EMAIL_URL"] = $"smtp://mailer:{Password}@127.0.0.1:{server.Port}",
            ["DEFAULT_FROM_EMAIL"] = "noreply@shop.example.com",
        }));

        Assert.StartsWith($"ERROR   EMAIL_URL cannot be used: at 127.0.0.1:{server.Port}, the server refused the user name or password (", finding.ToString());
        Assert.DoesNotContain(Password, finding.ToString());
    }

    [Fact]
    public async Task An_unreachable_server_is_an_error()
    {
        var port = Ports.Free();

        var finding = Assert.Single(await CheckAsync(new() { ["EMAIL_URL"] = $"smtp+tls://127.0.0.1:{port}", ["DEFAULT_FROM_EMAIL"] = "noreply@shop.example.com" }));

        Assert.Equal($"ERROR   EMAIL_URL cannot be used: at 127.0.0.1:{port}, cannot connect (Connection refused).", finding.ToString());
    }

    [Theory]
    [InlineData("Production", true)]
    [InlineData("Development", false)]
    public async Task Sending_from_webmaster_at_localhost_outside_development_is_a_warning(string environment, bool warned)
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.None);

        var findings = await CheckAsync(new() { ["EMAIL_URL"] = $"smtp://127.0.0.1:{server.Port}" }, environment);

        Assert.Equal(warned, findings.Any(finding => finding is { Severity: Severity.Warning, Subject: "DEFAULT_FROM_EMAIL" }
            && finding.Message.StartsWith("is webmaster@localhost: mail services refuse a sender at localhost", StringComparison.Ordinal)));
    }
}
