using System.Globalization;
using System.Text.RegularExpressions;
using MailKit.Security;

namespace Heroku.AspNetCore;

/// <summary>
/// Reads an email URL as django-environ's <c>email_url</c> reads <c>EMAIL_URL</c>, with Python's URL rules:
/// <c>smtp://</c> plain, <c>smtp+tls://</c> and <c>smtps://</c> with STARTTLS, <c>smtp+ssl://</c> with TLS from
/// the first byte, <c>consolemail://</c> to the log. Without a port: 25, or 465 for <c>smtp+ssl://</c>, as
/// Django's smtplib. The password ends at the last '@' of the address part, so it may hold '@' and ':' as they
/// are; a '/', '?' or '#' in it must be percent-encoded, and what breaks that rule is refused with the rule
/// and nothing of the URL.
/// </summary>
public static partial class EmailUrl
{
    /// <summary>How long one send may take, unless the URL's <c>timeout</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly Dictionary<string, SecureSocketOptions> SmtpSchemes = new()
    {
        ["smtp"] = SecureSocketOptions.None,
        ["smtps"] = SecureSocketOptions.StartTls,
        ["smtp+tls"] = SecureSocketOptions.StartTls,
        ["smtp+ssl"] = SecureSocketOptions.SslOnConnect,
    };

    private const string Schemes = "smtp://, smtp+tls://, smtps://, smtp+ssl:// or consolemail://";

    private const string UserInfoRule = "a '/', '?' or '#' in the user name or password must be percent-encoded"
        + " (%2F, %3F, %23): the address part ends at the first of them";

    /// <summary>Where <paramref name="url"/> sends email; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static EmailServer Parse(string url)
    {
        var scheme = Scheme().Match(url);
        if (!scheme.Success)
        {
            throw new FormatException($"must be a URL such as smtp+tls://user:password@smtp.example.com:587 ({Schemes})");
        }
        var name = scheme.Groups[1].Value.ToLowerInvariant();
        var server = name == "consolemail" ? new EmailServer { Backend = EmailBackend.Console }
            : SmtpSchemes.TryGetValue(name, out var security) ? new EmailServer { Security = security }
            // django-environ's filemail://, memorymail:// and dummymail:// have no use on a dyno.
            : throw new FormatException($"has a scheme this app does not send with: use {Schemes}");

        // urlsplit: the address part (netloc) ends at the first '/', '?' or '#'; user[:password] ends at its last '@'.
        var rest = url[scheme.Length..];
        var end = rest.IndexOfAny(['/', '?', '#']);
        var (netloc, after) = end < 0 ? (rest, "") : (rest[..end], rest[end..]);
        if (after.Contains('@'))
        {
            // Part of the user name or password is in what follows: refused before anything can quote it.
            throw new FormatException($"has an '@' after the host: {UserInfoRule}");
        }
        var at = netloc.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = netloc[..at];
            var colon = userInfo.IndexOf(':');
            server = server with
            {
                UserName = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]) is { Length: > 0 } user ? user : null,
                Password = colon >= 0 && Uri.UnescapeDataString(userInfo[(colon + 1)..]) is { Length: > 0 } password ? password : null,
            };
            netloc = netloc[(at + 1)..];
        }

        var (host, port) = HostAndPort(netloc);
        if (server.Backend == EmailBackend.Smtp && host.Length == 0)
        {
            throw new FormatException("has no host, e.g. smtp+tls://user:password@smtp.example.com:587");
        }

        var query = after.IndexOf('?') is var question and >= 0 ? after[(question + 1)..] : "";
        if (query.IndexOf('#') is var hash and >= 0)
        {
            query = query[..hash];
        }
        server = ReadOptions(server with { Host = host }, query);
        // smtplib's default ports, which Django's backend gets when the URL has none.
        return server with { Port = port ?? (server.Security == SecureSocketOptions.SslOnConnect ? 465 : 25) };
    }

    // django-environ passes EMAIL_USE_TLS and EMAIL_USE_SSL (any case) on to Django, and every other option to
    // OPTIONS, which Django's SMTP backend ignores; timeout is this platform's, like Django's EMAIL_TIMEOUT.
    private static EmailServer ReadOptions(EmailServer server, string query)
    {
        bool? useTls = null, useSsl = null;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var value = parts.Length == 2 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : "";
            switch (Uri.UnescapeDataString(parts[0].Replace('+', ' ')).ToLowerInvariant())
            {
                case "timeout":
                    server = server with { Timeout = TimeSpan.FromSeconds(Option("timeout", value, text => global::Heroku.AspNetCore.Parse.Integer(text, 1, 600))) };
                    break;
                case "email_use_tls":
                    useTls = Option("EMAIL_USE_TLS", value, global::Heroku.AspNetCore.Parse.Boolean);
                    break;
                case "email_use_ssl":
                    useSsl = Option("EMAIL_USE_SSL", value, global::Heroku.AspNetCore.Parse.Boolean);
                    break;
                default:
                    // Not quoted: a query may be the tail of a password that held an unencoded '?'.
                    throw new FormatException("has an unsupported query parameter (supported: timeout, EMAIL_USE_TLS, EMAIL_USE_SSL)");
            }
        }
        if (server.Backend == EmailBackend.Console || (useTls is null && useSsl is null))
        {
            return server;
        }
        var tls = useTls ?? server.Security == SecureSocketOptions.StartTls;
        var ssl = useSsl ?? server.Security == SecureSocketOptions.SslOnConnect;
        // Django refuses both at once: "EMAIL_USE_TLS/EMAIL_USE_SSL are mutually exclusive".
        return tls && ssl ? throw new FormatException("has both EMAIL_USE_TLS and EMAIL_USE_SSL on: choose one")
            : server with { Security = ssl ? SecureSocketOptions.SslOnConnect : tls ? SecureSocketOptions.StartTls : SecureSocketOptions.None };
    }

    private static T Option<T>(string name, string value, Func<string, T> parse)
    {
        try
        {
            return parse(value);
        }
        catch (FormatException exception)
        {
            throw new FormatException($"has an invalid {name}: {exception.Message}");
        }
    }

    // urlsplit's hostname and port: lower case, an IPv6 address in brackets, a port from 1 to 65535.
    private static (string Host, int? Port) HostAndPort(string netloc)
    {
        string host, port;
        if (netloc.StartsWith('['))
        {
            var close = netloc.IndexOf(']');
            if (close < 0 || close + 1 < netloc.Length && netloc[close + 1] != ':')
            {
                throw new FormatException("has an IPv6 host that is not [address] or [address]:port");
            }
            (host, port) = (netloc[1..close], close + 2 < netloc.Length ? netloc[(close + 2)..] : "");
            if (Uri.CheckHostName(host) != UriHostNameType.IPv6)
            {
                throw new FormatException("has an IPv6 host that is not an IPv6 address");
            }
        }
        else
        {
            var colon = netloc.IndexOf(':');
            (host, port) = colon < 0 ? (netloc, "") : (netloc[..colon], netloc[(colon + 1)..]);
            if (host.Length > 0 && Uri.CheckHostName(host) is UriHostNameType.Unknown or UriHostNameType.IPv6)
            {
                // Not quoted: with an unencoded '/', '?' or '#' in the password, this is part of the user name.
                throw new FormatException($"has a host that is not a host name or an IP address; note that {UserInfoRule}");
            }
        }
        return (host.ToLowerInvariant(), port.Length == 0 ? null
            : int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535 ? number
            : throw new FormatException($"has a port that is not a number from 1 to 65535; note that {UserInfoRule}"));
    }

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*)://")]
    private static partial Regex Scheme();
}

/// <summary>What sends the app's email: an SMTP server, or the log.</summary>
public enum EmailBackend
{
    /// <summary>An SMTP server.</summary>
    Smtp,

    /// <summary>The log, like Django's console backend: nothing is sent.</summary>
    Console,
}

/// <summary>
/// Where the app's email goes, read from <c>EMAIL_URL</c> or an email add-on's variables. Its
/// <see cref="ToString"/> names the host and port, never the password.
/// </summary>
public sealed record EmailServer
{
    /// <summary>An SMTP server, or the log.</summary>
    public EmailBackend Backend { get; init; } = EmailBackend.Smtp;

    /// <summary>The SMTP server's host name or IP address.</summary>
    public string Host { get; init; } = "";

    /// <summary>The SMTP server's port.</summary>
    public int Port { get; init; } = 25;

    /// <summary>
    /// TLS: <see cref="SecureSocketOptions.None"/> never, <see cref="SecureSocketOptions.StartTls"/> after the greeting
    /// (a server that does not offer it is refused), <see cref="SecureSocketOptions.SslOnConnect"/> from the first byte.
    /// </summary>
    public SecureSocketOptions Security { get; init; } = SecureSocketOptions.None;

    /// <summary>The user name to log in with; the app logs in only when there is a password too, as Django does.</summary>
    public string? UserName { get; init; }

    /// <summary>The password to log in with.</summary>
    public string? Password { get; init; }

    /// <summary>How long one send may take: connecting, TLS, logging in and the message.</summary>
    public TimeSpan Timeout { get; init; } = EmailUrl.DefaultTimeout;

    /// <summary>The variable it was read from, for messages: EMAIL_URL, MAILGUN_SMTP_SERVER or SENDGRID_API_KEY.</summary>
    public string Source { get; init; } = "EMAIL_URL";

    /// <summary><c>host:port</c>, or <c>the log</c>: never the password.</summary>
    public override string ToString() => Backend == EmailBackend.Console ? "the log"
        : Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
