using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Heroku.AspNetCore;

/// <summary>Sends the app's email where the settings say: an SMTP server, or the log.</summary>
public interface IEmailSender
{
    /// <summary>
    /// Sends <paramref name="message"/>, from <c>DEFAULT_FROM_EMAIL</c> if it names no sender. Throws
    /// <see cref="EmailNotSentException"/> when it cannot, which names the server and the cause.
    /// </summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Thrown when a message was not sent; its message names the server and the cause, never the password.</summary>
public sealed class EmailNotSentException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// One connection per message, closed after it: a job sends one message at a time, and a dyno keeps no
/// connection idle. TLS is exactly what the URL says: <c>smtp+tls://</c> refuses a server that does not offer
/// STARTTLS rather than send in the clear, and the server's certificate must be valid for its host.
/// </summary>
internal sealed class EmailSender(EmailSettings settings, IHostEnvironment environment, ILogger<EmailSender> logger) : IEmailSender
{
    /// <summary>For tests only: accepts a server certificate that the machine does not trust. Null: the system's trust.</summary>
    internal RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        if (message.From.Count == 0)
        {
            message.From.Add(settings.DefaultFromEmail);
        }
        switch (settings.Server)
        {
            case { Backend: EmailBackend.Smtp } server:
                await SendAsync(server, message, cancellationToken);
                break;
            case { Backend: EmailBackend.Console }:
                WriteToLog(message, "EMAIL_URL is consolemail://");
                break;
            // Like Django's console backend, which its projects choose for development.
            case null when environment.IsDevelopment():
                WriteToLog(message, "no EMAIL_URL in Development");
                break;
            case null:
                // Thrown, not dropped: a job that sends it is retried, and nothing is lost once a server is set.
                throw new EmailNotSentException("No email server is set: set EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.com:587), "
                    + "or attach Heroku's Mailgun add-on, or set SENDGRID_API_KEY.");
        }
    }

    /// <summary>
    /// Connects, starts TLS and logs in as a send would, and sends nothing: <c>check</c>'s test of the server.
    /// Returns why it cannot be used, or null.
    /// </summary>
    internal async Task<string?> VerifyAsync(EmailServer server, CancellationToken cancellationToken = default) =>
        (await DeliverAsync(server, null, cancellationToken))?.Cause;

    private void WriteToLog(MimeMessage message, string why) =>
        // One entry, on one line like every other: a link in the body stays whole, to be copied from the terminal.
        logger.LogInformation("Email written here, not sent ({Why}): from {From} to {To}, subject \"{Subject}\": {Body}",
            why, message.From, message.To, message.Subject, message.TextBody ?? message.HtmlBody);

    private async Task SendAsync(EmailServer server, MimeMessage message, CancellationToken cancellationToken)
    {
        // The server, never the addresses: a trace is no place for them.
        using var activity = PlatformTelemetry.Source.StartActivity("email send", ActivityKind.Client);
        activity?.SetTag("server.address", server.Host);
        activity?.SetTag("server.port", server.Port);
        if (await DeliverAsync(server, message, cancellationToken) is var (cause, exception))
        {
            activity?.SetStatus(ActivityStatusCode.Error, cause);
            throw new EmailNotSentException($"Email could not be sent through {server} ({server.Source}): {cause}.", exception);
        }
    }

    // Null when it worked; else the cause in words, without the password, and the exception that said so.
    private async Task<(string Cause, Exception Exception)?> DeliverAsync(EmailServer server, MimeMessage? message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(server.Timeout);
        using var client = new SmtpClient { Timeout = (int)server.Timeout.TotalMilliseconds };
        var (certificateErrors, connected) = (SslPolicyErrors.None, false);
        client.ServerCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            certificateErrors = errors;
            return errors == SslPolicyErrors.None || CertificateValidation?.Invoke(sender, certificate, chain, errors) == true;
        };
        try
        {
            await client.ConnectAsync(server.Host, server.Port, server.Security, timeout.Token);
            connected = true;
            if (server.UserName is not null && server.Password is not null)
            {
                await client.AuthenticateAsync(server.UserName, server.Password, timeout.Token);
            }
            if (message is not null)
            {
                await client.SendAsync(message, timeout.Token);
            }
            await client.DisconnectAsync(quit: true, timeout.Token);
            return null;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The password is never part of a cause; a server that echoes it back still has it blanked out.
            var cause = Cause(exception, server, certificateErrors, connected);
            return (server.Password is { } password ? cause.Replace(password, "***", StringComparison.Ordinal) : cause, exception);
        }
    }

    private static string Cause(Exception exception, EmailServer server, SslPolicyErrors certificateErrors, bool connected) => exception switch
    {
        OperationCanceledException or TimeoutException or IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut } } =>
            $"no answer within {server.Timeout.TotalSeconds:0} s",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } =>
            "the host name was not found",
        SocketException socket => $"cannot connect ({socket.Message})",
        // MailKit's refusal to go on in the clear: connecting with StartTls fails when STARTTLS is not offered.
        NotSupportedException when !connected && server.Security == SecureSocketOptions.StartTls =>
            $"the server does not offer STARTTLS, which {server.Source} asks for, so nothing was sent in the clear",
        SslHandshakeException when certificateErrors != SslPolicyErrors.None =>
            $"its TLS certificate was refused ({certificateErrors})",
        SslHandshakeException => $"the TLS handshake failed ({exception.InnerException?.Message ?? "no detail"})",
        AuthenticationException authentication => $"the server refused the user name or password ({authentication.Message})",
        NotSupportedException when connected && server.UserName is not null => $"the server offers no login, and {server.Source} gives a user name and password",
        ServiceNotAuthenticatedException => $"the server requires a login, and {server.Source} gives no user name and password ({exception.Message})",
        SmtpCommandException command => $"the server answered {(int)command.StatusCode} {command.Message}",
        SmtpProtocolException or ServiceNotConnectedException or IOException => $"the connection failed ({exception.Message})",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };
}
