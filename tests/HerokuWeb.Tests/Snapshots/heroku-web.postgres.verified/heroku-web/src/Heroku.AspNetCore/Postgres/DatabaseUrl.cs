using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Heroku.AspNetCore;

/// <summary>
/// Reads a PostgreSQL URL as libpq and dj-database-url do, e.g. Heroku's
/// <c>postgres://user:password@host:5432/database?sslmode=require</c>, or several hosts as
/// <c>host1:5432,host2:5432</c>, straight into Npgsql's builder: Npgsql takes no URLs. What libpq
/// refuses is refused here too, with the reason but never the URL, which holds a password.
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
        ["target_session_attrs"] = (builder, value) => builder.TargetSessionAttributes = value,
    };

    /// <summary>The connection settings in <paramref name="url"/>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string url)
    {
        var match = Url().Match(url);
        if (!match.Success)
        {
            throw new FormatException("must be a URL that starts with postgres:// or postgresql://");
        }

        var builder = new NpgsqlConnectionStringBuilder();
        if (match.Groups["user"].Success)
        {
            builder.Username = Decode(match.Groups["user"].Value) is { Length: > 0 } user ? user : null;
            builder.Password = match.Groups["password"].Success ? Decode(match.Groups["password"].Value) : null;
        }

        var hosts = match.Groups["hosts"].Value.Split(',').Select(HostAndPort).ToList();
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

        if (Decode(match.Groups["database"].Value) is { Length: > 0 } database)
        {
            builder.Database = database;
        }

        foreach (var pair in match.Groups["query"].Value.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=');
            var name = parts.Length == 2 ? Decode(parts[0])
                : throw new FormatException("has a query parameter without exactly one '=' (name=value)");
            if (!Parameters.TryGetValue(name, out var apply))
            {
                throw new FormatException($"has an unsupported query parameter '{name}' (supported: {string.Join(", ", Parameters.Keys)})");
            }
            try
            {
                apply(builder, Decode(parts[1]));
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException)
            {
                throw new FormatException($"has an invalid {name}: {exception.Message.TrimEnd('.')}");
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

    private static string Decode(string text) =>
        InvalidEscape().IsMatch(text) ? throw new FormatException("has an invalid percent-encoding: use %XX with two hex digits")
        : text.Contains("%00", StringComparison.Ordinal) ? throw new FormatException("has %00 in a percent-encoded value, which libpq forbids")
        : Uri.UnescapeDataString(text);

    [GeneratedRegex(@"^(?i:postgres(?:ql)?)://(?:(?<user>[^:/?]*)(?::(?<password>[^/?]*))?@)?(?<hosts>[^/?]*)(?:/(?<database>[^?]*))?(?:\?(?<query>.*))?$", RegexOptions.Singleline)]
    private static partial Regex Url();

    [GeneratedRegex("%(?![0-9A-Fa-f]{2})")]
    private static partial Regex InvalidEscape();
}
