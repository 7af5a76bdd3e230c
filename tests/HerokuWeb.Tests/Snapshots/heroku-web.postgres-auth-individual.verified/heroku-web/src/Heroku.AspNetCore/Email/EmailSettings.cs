using MailKit.Security;
using MimeKit;

namespace Heroku.AspNetCore;

/// <summary>
/// The environment variables of email, declared like the rest of the app's settings: <c>EMAIL_URL</c>, else the
/// variables of Heroku's Mailgun add-on, else a SendGrid API key; and the address email is sent from.
/// </summary>
/// <param name="env">The reader of the app's settings type.</param>
public sealed class EmailSettings(SettingsReader env)
{
    /// <summary>Django's default for <c>DEFAULT_FROM_EMAIL</c>, which no real mail service accepts.</summary>
    public const string WebmasterAtLocalhost = "webmaster@localhost";

    /// <summary>The SMTP server, as django-environ reads <c>EMAIL_URL</c>; <c>consolemail://</c> writes messages to the log.</summary>
    public EmailServer? Url { get; } = env.Optional<EmailServer?>("EMAIL_URL", null, EmailUrl.Parse, secret: true,
        help: "an email URL: smtp+tls://user:password@smtp.example.com:587 (STARTTLS), smtp+ssl://… (TLS from the start, port 465), "
            + "smtp://… (no TLS), or consolemail:// (the log); percent-encode '/', '?' and '#' in the password");

    /// <summary>Mailgun's SMTP server, from the four variables its Heroku add-on sets; null when it is not attached.</summary>
    public EmailServer? Mailgun { get; } = ReadMailgun(env);

    /// <summary>SendGrid's SMTP relay with <c>SENDGRID_API_KEY</c>; null without the key.</summary>
    public EmailServer? SendGrid { get; } = env.Optional<EmailServer?>("SENDGRID_API_KEY", null, secret: true,
        parse: key => new EmailServer { Host = "smtp.sendgrid.net", Port = 587, Security = SecureSocketOptions.StartTls, UserName = "apikey", Password = key, Source = "SENDGRID_API_KEY" },
        help: "an API key from SendGrid's settings (API Keys), with permission to send mail");

    /// <summary>The address email is sent from when a message names none, like Django's <c>DEFAULT_FROM_EMAIL</c>.</summary>
    public MailboxAddress DefaultFromEmail { get; } = env.Optional("DEFAULT_FROM_EMAIL", MailboxAddress.Parse(WebmasterAtLocalhost), Parse.EmailAddress,
        help: $"an email address at a domain your mail service sends for, e.g. noreply@example.com or \"Example <noreply@example.com>\" (default {WebmasterAtLocalhost})");

    /// <summary>Where email goes: <see cref="Url"/>, else <see cref="Mailgun"/>, else <see cref="SendGrid"/>; null when none is set.</summary>
    public EmailServer? Server => Url ?? Mailgun ?? SendGrid;

    // The add-on sets all four; when the server is set, a missing login or password is reported by name.
    private static EmailServer? ReadMailgun(SettingsReader env)
    {
        var host = env.Optional<string?>("MAILGUN_SMTP_SERVER", null, Parse.HostName,
            help: "a host name; Heroku's Mailgun add-on sets it (heroku addons:create mailgun)");
        var port = env.Optional("MAILGUN_SMTP_PORT", 587, text => Parse.Integer(text, 1, 65535),
            help: "a TCP port; Heroku's Mailgun add-on sets it (default 587)");
        const string Login = "the SMTP login; Heroku's Mailgun add-on sets it with MAILGUN_SMTP_SERVER";
        var login = host is null ? env.Optional<string?>("MAILGUN_SMTP_LOGIN", null, text => text, help: Login)
            : env.Required("MAILGUN_SMTP_LOGIN", text => text, help: Login);
        const string Password = "the SMTP password; Heroku's Mailgun add-on sets it with MAILGUN_SMTP_SERVER";
        var password = host is null ? env.Optional<string?>("MAILGUN_SMTP_PASSWORD", null, text => text, secret: true, help: Password)
            : env.Required("MAILGUN_SMTP_PASSWORD", text => text, secret: true, help: Password);
        // Mailgun takes STARTTLS on 25, 587 and 2525, and TLS from the first byte on 465.
        return host is null ? null : new EmailServer
        {
            Host = host, Port = port, Security = port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls,
            UserName = login, Password = password, Source = "MAILGUN_SMTP_SERVER",
        };
    }
}

public static partial class Parse
{
    /// <summary>One email address, with or without a display name: <c>noreply@example.com</c> or <c>Example &lt;noreply@example.com&gt;</c>.</summary>
    public static MailboxAddress EmailAddress(string text) =>
        MailboxAddress.TryParse(ParserOptions.Default, text, out var address) && address.Address.Contains('@') && address.Route.Count == 0 ? address
        : throw new FormatException("is not one email address such as noreply@example.com");
}
