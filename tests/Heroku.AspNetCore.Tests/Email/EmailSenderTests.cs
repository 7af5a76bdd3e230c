using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace Heroku.AspNetCore.Tests.Email;

/// <summary>
/// Messages sent to a real SMTP server (aiosmtpd, <see cref="SmtpServer"/>) started by each test, as EMAIL_URL says:
/// in the clear, after STARTTLS or with TLS from the first byte, logged in or not; and what fails, with the reason.
/// </summary>
public sealed class EmailSenderTests
{
    private const string User = "mailer@example.com";
    private const string Password = "p@ss:w/rd?#1";
    private const string EncodedPassword = "p@ss:w%2Frd%3F%231";

    // Trusts the one certificate of the test's server, and only where the machine's store is all it lacks.
    private static RemoteCertificateValidationCallback Trusting(SmtpServer server) => (_, certificate, _, errors) =>
        errors == SslPolicyErrors.RemoteCertificateChainErrors && certificate is not null && certificate.GetCertHash().SequenceEqual(server.Certificate.GetCertHash());

    private static EmailSender Sender(EmailSettings settings, SmtpServer? trusted = null, string environment = "Production", ILogger<EmailSender>? logger = null) =>
        new(settings, new HostingEnvironment { EnvironmentName = environment }, logger ?? NullLogger<EmailSender>.Instance)
        {
            CertificateValidation = trusted is null ? null : Trusting(trusted),
        };

    private static MimeMessage Message(string subject = "Hello")
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "Reset it at https://example.com/reset?token=abc" } };
        message.From.Add(MailboxAddress.Parse("shop@example.com"));
        message.To.Add(MailboxAddress.Parse("visitor@example.org"));
        return message;
    }

    private static MimeMessage Parse(ReceivedMessage received) => MimeMessage.Load(new MemoryStream(received.Data));

    [Fact]
    public async Task Smtp_sends_in_the_clear()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.None);

        await Sender(TestSettings.Email($"smtp://127.0.0.1:{server.Port}")).SendAsync(Message("Plain"));

        var received = Assert.Single(server.Received);
        Assert.False(received.Tls);
        Assert.Equal(("shop@example.com", "visitor@example.org"), (received.From, Assert.Single(received.To)));
        Assert.Equal("Plain", Parse(received).Subject);
        Assert.Equal("Reset it at https://example.com/reset?token=abc", Parse(received).TextBody?.TrimEnd());
    }

    [Theory]
    [InlineData("smtp+tls")]
    [InlineData("smtps")]
    public async Task Smtp_tls_and_smtps_send_after_starttls(string scheme)
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.StartTls);

        await Sender(TestSettings.Email($"{scheme}://localhost:{server.Port}"), trusted: server).SendAsync(Message());

        Assert.True(Assert.Single(server.Received).Tls);
    }

    [Fact]
    public async Task Smtp_ssl_encrypts_from_the_first_byte()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.Implicit);

        await Sender(TestSettings.Email($"smtp+ssl://localhost:{server.Port}"), trusted: server).SendAsync(Message());

        Assert.True(Assert.Single(server.Received).Tls);
    }

    [Fact]
    public async Task Logs_in_with_the_percent_decoded_user_and_password_of_the_url()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.StartTls, (User, Password));

        await Sender(TestSettings.Email($"smtp+tls://mailer%40example.com:{EncodedPassword}@localhost:{server.Port}"), trusted: server).SendAsync(Message());

        Assert.Equal(User, Assert.Single(server.Received).Login);
    }

    [Fact]
    public async Task Mailguns_variables_send_with_starttls_and_its_login()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.StartTls, (User, Password));
        var settings = TestSettings.Email(new Dictionary<string, string?>
        {
            ["MAILGUN_SMTP_SERVER"] = "localhost",
            ["MAILGUN_SMTP_PORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MAILGUN_SMTP_LOGIN"] = User,
            ["MAILGUN_SMTP_PASSWORD"] = Password,
        });

        await Sender(settings, trusted: server).SendAsync(Message());

        var received = Assert.Single(server.Received);
        Assert.Equal((true, User), (received.Tls, received.Login));
    }

    [Fact]
    public async Task A_message_that_names_no_sender_is_sent_from_default_from_email()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.None);
        var settings = TestSettings.Email(new Dictionary<string, string?>
        {
            ["EMAIL_URL"] = $"smtp://127.0.0.1:{server.Port}",
            ["DEFAULT_FROM_EMAIL"] = "Corner Shop <noreply@shop.example.com>",
        });
        var message = Message();
        message.From.Clear();

        await Sender(settings).SendAsync(message);

        var received = Assert.Single(server.Received);
        Assert.Equal("noreply@shop.example.com", received.From);
        Assert.Equal("\"Corner Shop\" <noreply@shop.example.com>", Parse(received).From.ToString());
    }

    [Fact]
    public async Task Starttls_required_by_the_url_but_not_offered_is_refused_and_nothing_is_sent()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.None);

        var exception = await Assert.ThrowsAsync<EmailNotSentException>(() =>
            Sender(TestSettings.Email($"smtp+tls://127.0.0.1:{server.Port}")).SendAsync(Message()));

        Assert.Equal($"Email could not be sent through 127.0.0.1:{server.Port} (EMAIL_URL): the server does not offer STARTTLS, which EMAIL_URL asks for, "
            + "so nothing was sent in the clear.", exception.Message);
        Assert.Empty(server.Received);
    }

    [Theory]
    [InlineData(SmtpTls.StartTls, "smtp+tls")]
    [InlineData(SmtpTls.Implicit, "smtp+ssl")]
    public async Task A_certificate_the_machine_does_not_trust_is_refused_and_nothing_is_sent(SmtpTls tls, string scheme)
    {
        await using var server = await SmtpServer.StartAsync(tls);

        var exception = await Assert.ThrowsAsync<EmailNotSentException>(() =>
            Sender(TestSettings.Email($"{scheme}://localhost:{server.Port}")).SendAsync(Message()));

        Assert.Contains($"through localhost:{server.Port} (EMAIL_URL): its TLS certificate was refused (RemoteCertificateChainErrors)", exception.Message);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task A_certificate_for_another_host_is_refused()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.Implicit, certificateHost: "mail.example.com");

        var exception = await Assert.ThrowsAsync<EmailNotSentException>(() =>
            Sender(TestSettings.Email($"smtp+ssl://localhost:{server.Port}"), trusted: server).SendAsync(Message()));

        Assert.Contains("its TLS certificate was refused (RemoteCertificateNameMismatch", exception.Message);
    }

    [Fact]
    public async Task A_refused_login_is_named_and_the_password_never_repeated()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.StartTls, (User, "the-right-one"));

        var exception = await Assert.ThrowsAsync<EmailNotSentException>(() =>
            Sender(TestSettings.Email($"smtp+tls://mailer%40example.com:{EncodedPassword}@localhost:{server.Port}"), trusted: server).SendAsync(Message()));

        Assert.StartsWith($"Email could not be sent through localhost:{server.Port} (EMAIL_URL): the server refused the user name or password (", exception.Message);
        Assert.DoesNotContain(Password, exception.ToString());
        Assert.DoesNotContain(EncodedPassword, exception.ToString());
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task A_server_that_requires_a_login_and_gets_none_says_so()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.None, (User, Password));

        var exception = await Assert.ThrowsAsync<EmailNotSentException>(() =>
            Sender(TestSettings.Email($"smtp://127.0.0.1:{server.Port}")).SendAsync(Message()));

        Assert.StartsWith($"Email could not be sent through 127.0.0.1:{server.Port} (EMAIL_URL): the server requires a login, and EMAIL_URL gives no user name and password (", exception.Message);
    }

    [Fact]
    public async Task A_url_with_a_login_for_a_server_that_offers_none_is_refused()
    {
        await using var server = await SmtpServer.StartAsync(SmtpTls.None);

        var exception = await Assert.ThrowsAsync<EmailNotSentException>(() =>
            Sender(TestSettings.Email($"smtp://mailer:{EncodedPassword}@127.0.0.1:{server.Port}")).SendAsync(Message()));

        Assert.Equal($"Email could not be sent through 127.0.0.1:{server.Port} (EMAIL_URL): the server offers no login, and EMAIL_URL gives a user name and password.",
            exception.Message);
        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task An_unreachable_server_is_named_with_the_cause_and_never_the_password()
    {
        var port = Ports.Free();

        var exception = await Assert.ThrowsAsync<EmailNotSentException>(() =>
            Sender(TestSettings.Email($"smtp+tls://{User}:{EncodedPassword}@127.0.0.1:{port}")).SendAsync(Message()));

        Assert.Equal($"Email could not be sent through 127.0.0.1:{port} (EMAIL_URL): cannot connect (Connection refused).", exception.Message);
        Assert.DoesNotContain(Password, exception.ToString());
    }

    [Fact]
    public async Task A_server_that_never_answers_is_given_up_after_the_urls_timeout()
    {
        // Accepts connections (the kernel completes them) and never says a word.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var exception = await Assert.ThrowsAsync<EmailNotSentException>(() =>
            Sender(TestSettings.Email($"smtp+tls://127.0.0.1:{port}?timeout=1")).SendAsync(Message()));

        Assert.Equal($"Email could not be sent through 127.0.0.1:{port} (EMAIL_URL): no answer within 1 s.", exception.Message);
    }

    [Fact]
    public async Task Consolemail_writes_each_message_to_the_log_on_one_line_and_sends_nothing()
    {
        var log = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(log));

        await Sender(TestSettings.Email("consolemail://"), logger: factory.CreateLogger<EmailSender>()).SendAsync(Message("Your link"));

        var (level, text) = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Information, level);
        Assert.Contains("(EMAIL_URL is consolemail://): from shop@example.com to visitor@example.org, subject \"Your link\": "
            + "Reset it at https://example.com/reset?token=abc", text);
    }

    [Fact]
    public async Task In_development_without_a_server_messages_are_written_to_the_log()
    {
        var log = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(log));

        await Sender(TestSettings.Email([]), environment: "Development", logger: factory.CreateLogger<EmailSender>()).SendAsync(Message("Your link"));

        Assert.Contains("(no EMAIL_URL in Development)", Assert.Single(log.Lines).Text);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Outside_development_without_a_server_sending_fails_with_what_to_set(string environment)
    {
        var exception = await Assert.ThrowsAsync<EmailNotSentException>(() => Sender(TestSettings.Email([]), environment: environment).SendAsync(Message()));

        Assert.StartsWith("No email server is set: set EMAIL_URL", exception.Message);
    }

    [Fact]
    public async Task A_send_the_caller_cancels_is_cancelled_not_reported_as_a_failure()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Sender(TestSettings.Email($"smtp://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}")).SendAsync(Message(), cancellation.Token));
    }
}
