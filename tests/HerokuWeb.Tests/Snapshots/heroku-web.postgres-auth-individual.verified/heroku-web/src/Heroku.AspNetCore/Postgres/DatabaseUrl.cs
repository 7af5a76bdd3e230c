using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Heroku.AspNetCore;

/// <summary>
/// Reads a PostgreSQL URL as libpq and dj-database-url do, e.g. Heroku's
/// <c>postgres://user:password@host:5432/database?sslmode=require</c>, or several hosts as
/// <c>host1:5432,host2:5432</c>, straight into Npgsql's builder: Npgsql takes no URLs. What libpq
/// refuses is refused here too, with the reason but never the URL, which holds a password. As in libpq,
/// the user name and password end at the first '@' before any '/', so a password may hold ':', '?', '=',
/// '#', '&amp;' or spaces as they are; an '@' or '/' in it must be percent-encoded, or libpq cuts it short,
/// and so does this, with that rule and nothing of the URL.
/// </summary>
public static partial class DatabaseUrl
{
    private static readonly Dictionary<string, SslMode> SslModes = new()
    {
        ["disable"] = SslMode.Disable, ["allow"] = SslMode.Allow, ["prefer"] = SslMode.Prefer,
        ["require"] = SslMode.Require, ["verify-ca"] = SslMode.VerifyCA, ["verify-full"] = SslMode.VerifyFull,
    };

    private static readonly Dictionary<string, ChannelBinding> ChannelBindings = new()
    {
        ["disable"] = ChannelBinding.Disable, ["prefer"] = ChannelBinding.Prefer, ["require"] = ChannelBinding.Require,
    };

    // Checked here: Npgsql's own refusal quotes the value.
    private static readonly string[] TargetSessionAttributes = ["any", "read-write", "read-only", "primary", "standby", "prefer-primary", "prefer-standby"];

    private const string UserInfoRule = "a user name or password with '@' or '/' in it must be percent-encoded, e.g. %40 for @"
        + " and %2F for /: libpq takes the first '@' before any '/' as the end of the password";

    // libpq's query parameters that Npgsql has a setting for, and dj-database-url's currentSchema.
    private static readonly Dictionary<string, Action<NpgsqlConnectionStringBuilder, string>> Parameters = new()
    {
        ["host"] = (builder, value) => builder.Host = Host(value),
        ["port"] = (builder, value) => builder.Port = Port(value),
        ["dbname"] = (builder, value) => builder.Database = value,
        ["user"] = (builder, value) => builder.Username = value,
        ["password"] = (builder, value) => builder.Password = value,
        ["passfile"] = (builder, value) => builder.Passfile = value,
        ["application_name"] = (builder, value) => builder.ApplicationName = value,
        ["connect_timeout"] = (builder, value) => builder.Timeout = global::Heroku.AspNetCore.Parse.Integer(value, 0, 1024),
        ["options"] = (builder, value) => builder.Options = value,
        ["currentSchema"] = (builder, value) => builder.SearchPath = value,
        ["sslmode"] = (builder, value) => builder.SslMode = SslModes.TryGetValue(value, out var mode) ? mode
            : throw new FormatException($"must be one of {string.Join(", ", SslModes.Keys)}"),
        ["sslrootcert"] = (builder, value) => builder.RootCertificate = value,
        ["sslcert"] = (builder, value) => builder.SslCertificate = value,
        ["sslkey"] = (builder, value) => builder.SslKey = value,
        ["sslpassword"] = (builder, value) => builder.SslPassword = value,
        ["channel_binding"] = (builder, value) => builder.ChannelBinding = ChannelBindings.TryGetValue(value, out var binding) ? binding
            : throw new FormatException($"must be one of {string.Join(", ", ChannelBindings.Keys)}"),
        ["target_session_attrs"] = (builder, value) => builder.TargetSessionAttributes = TargetSessionAttributes.Contains(value) ? value
            : throw new FormatException($"must be one of {string.Join(", ", TargetSessionAttributes)}"),
    };

    /// <summary>The connection settings in <paramref name="url"/>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string url)
    {
        var scheme = Scheme().Match(url);
        if (!scheme.Success)
        {
            throw new FormatException("must be a URL that starts with postgres:// or postgresql://");
        }

        // libpq's conninfo_uri_parse_options: user[:password] ends at the first '@' before any '/'; the user
        // name at its first ':'. What follows is [netloc[:port][,...]][/database][?query].
        var builder = new NpgsqlConnectionStringBuilder();
        var rest = url[scheme.Length..];
        if (rest.IndexOfAny(['@', '/']) is var at and >= 0 && rest[at] == '@')
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            builder.Username = DecodeUserInfo(colon < 0 ? userInfo : userInfo[..colon]) is { Length: > 0 } user ? user : null;
            builder.Password = colon >= 0 && DecodeUserInfo(userInfo[(colon + 1)..]) is { Length: > 0 } password ? password : null;
        }

        // An '@' left before the query is the real end of a user name or password that held an '@' or '/'
        // unencoded: libpq would take part of the secret for a host, port or database, so it is refused
        // here before anything can quote that part.
        var question = rest.IndexOf('?');
        var (location, query) = question < 0 ? (rest, "") : (rest[..question], rest[(question + 1)..]);
        if (location.Contains('@'))
        {
            throw new FormatException($"has an '@' where libpq does not expect one: {UserInfoRule}");
        }
        try
        {
            return Read(builder, location, query);
        }
        catch (FormatException exception) when (query.Contains('@'))
        {
            // The query may be the tail of a user name or password that held an '@' or '/' unencoded.
            throw new FormatException($"{exception.Message}; note that {UserInfoRule}");
        }
    }

    // [netloc[:port][,...]][/database] and the query, after the user name and password.
    private static NpgsqlConnectionStringBuilder Read(NpgsqlConnectionStringBuilder builder, string location, string query)
    {
        var slash = location.IndexOf('/');
        var (netlocs, path) = slash < 0 ? (location, "") : (location[..slash], location[(slash + 1)..]);

        var hosts = netlocs.Split(',').Select(HostAndPort).ToList();
        if (hosts is [var single])
        {
            builder.Host = single.Name.Length > 0 ? single.Name : null;
            builder.Port = single.Port ?? builder.Port;
        }
        else
        {
            // Npgsql's form for several hosts: host:port,[ipv6]:port.
            builder.Host = string.Join(',', hosts.Select(host => host.Port is not { } port ? host.Name
                : host.Name.Contains(':') && !host.Name.StartsWith('/') ? $"[{host.Name}]:{port}" : $"{host.Name}:{port}"));
        }

        if (Decode(path) is { Length: > 0 } database)
        {
            builder.Database = database;
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=');
            var name = parts.Length == 2 ? Decode(parts[0])
                : throw new FormatException("has a query parameter without exactly one '=' (name=value)");
            if (!Parameters.TryGetValue(name, out var apply))
            {
                // The name is quoted only when it looks like one and cannot be part of a password: no '@' (see Parse).
                throw new FormatException(!query.Contains('@') && ParameterName().IsMatch(name)
                    ? $"has an unsupported query parameter '{name}' (supported: {string.Join(", ", Parameters.Keys)})"
                    : $"has an unsupported query parameter (supported: {string.Join(", ", Parameters.Keys)})");
            }
            try
            {
                apply(builder, Decode(parts[1]));
            }
            catch (FormatException exception)
            {
                throw new FormatException($"has an invalid {name}: {exception.Message.TrimEnd('.')}");
            }
            catch (ArgumentException)
            {
                // Npgsql's messages may quote the value.
                throw new FormatException($"has an invalid {name}");
            }
        }

        return string.IsNullOrEmpty(builder.Host)
            ? throw new FormatException("has no host, e.g. postgres://user:password@host:5432/database")
            : builder;
    }

    private static (string Name, int? Port) HostAndPort(string text)
    {
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            return close < 0 ? throw new FormatException("has an IPv6 host without its closing ']'")
                : close == 1 ? throw new FormatException("has an empty IPv6 host '[]'")
                : close + 1 < text.Length && text[close + 1] != ':' ? throw new FormatException("has characters after an IPv6 host that are not a port")
                : (Host(text[1..close]), close + 2 < text.Length ? Port(text[(close + 2)..]) : null);
        }
        var colon = text.IndexOf(':');
        return colon < 0 ? (Host(Decode(text)), null)
            : (Host(Decode(text[..colon])), colon + 1 < text.Length ? Port(text[(colon + 1)..]) : null);
    }

    // A host name, an IP address, or the directory of a Unix socket.
    private static string Host(string host) =>
        host.Length == 0 || host.StartsWith('/') || Uri.CheckHostName(host) != UriHostNameType.Unknown ? host
            : throw new FormatException("has a host that is not a host name, an IP address or a socket directory");

    private static int Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port
            : throw new FormatException("has a port that is not a number from 1 to 65535");

    // No message quotes the text: it may be part of a password.
    private static string Decode(string text) =>
        InvalidEscape().IsMatch(text) ? throw new FormatException("has an invalid percent-encoding: use %XX with two hex digits")
        : text.Contains("%00", StringComparison.Ordinal) ? throw new FormatException("has %00 in a percent-encoded value, which libpq forbids")
        : Uri.UnescapeDataString(text);

    private static string DecodeUserInfo(string text) =>
        InvalidEscape().IsMatch(text) ? throw new FormatException("has an invalid percent-encoding in the user name or password: use %XX with two hex digits, e.g. %25 for %")
        : Decode(text);

    [GeneratedRegex("^(?i:postgres(?:ql)?)://")]
    private static partial Regex Scheme();

    // libpq's keywords, and dj-database-url's currentSchema.
    [GeneratedRegex("^[A-Za-z_]{1,40}$")]
    private static partial Regex ParameterName();

    [GeneratedRegex("%(?![0-9A-Fa-f]{2})")]
    private static partial Regex InvalidEscape();
}
