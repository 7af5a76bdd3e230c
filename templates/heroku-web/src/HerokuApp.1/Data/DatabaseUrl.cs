using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Npgsql;
using HerokuApp._1.Settings;

namespace HerokuApp._1.Data;

/// <summary>
/// A PostgreSQL URL as Heroku Postgres and libpq write it:
/// <c>postgres://user:password@host:port/database?sslmode=require</c>. Npgsql takes no URLs,
/// so this converts one into a connection string, one field at a time.
/// </summary>
public sealed class DatabaseUrl : ISettingValue<DatabaseUrl>
{
    private const int DefaultPort = 5432;

    // libpq's names for the query parameters a Heroku app may reasonably need.
    private static readonly Dictionary<string, Action<NpgsqlConnectionStringBuilder, string>> Parameters = new()
    {
        ["sslmode"] = (builder, value) => builder.SslMode = ParseSslMode(value),
        ["sslrootcert"] = (builder, value) => builder.RootCertificate = value,
        ["sslcert"] = (builder, value) => builder.SslCertificate = value,
        ["sslkey"] = (builder, value) => builder.SslKey = value,
        ["channel_binding"] = (builder, value) => builder.ChannelBinding = ParseChannelBinding(value),
        ["connect_timeout"] = (builder, value) => builder.Timeout = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture),
        ["application_name"] = (builder, value) => builder.ApplicationName = value,
        ["target_session_attrs"] = (builder, value) => builder.TargetSessionAttributes = value,
        ["options"] = (builder, value) => builder.Options = value,
    };

    private DatabaseUrl(string host, int port, string database, string? username, string? password, IReadOnlyDictionary<string, string> query)
    {
        Host = host;
        Port = port;
        Database = database;
        Username = username;
        Password = password;
        Query = query;
    }

    public string Host { get; }

    public int Port { get; }

    public string Database { get; }

    public string? Username { get; }

    public string? Password { get; }

    /// <summary>Query parameters, by libpq name.</summary>
    public IReadOnlyDictionary<string, string> Query { get; }

    /// <summary>
    /// The Npgsql connection string. Without an <c>sslmode</c> in the URL, <paramref name="defaultSslMode"/>
    /// applies: Heroku Postgres refuses unencrypted connections.
    /// </summary>
    public string ToConnectionString(SslMode defaultSslMode, int maxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Database = Database,
            Username = Username,
            Password = Password,
            SslMode = defaultSslMode,
            MaxPoolSize = maxPoolSize,
        };
        foreach (var (name, value) in Query)
        {
            Parameters[name](builder, value);
        }
        return builder.ConnectionString;
    }

    /// <summary>The URL without its password: safe to log.</summary>
    public override string ToString()
    {
        var user = Username is null ? "" : Uri.EscapeDataString(Username) + (Password is null ? "" : ":********") + "@";
        var host = Host.Contains(':') ? $"[{Host}]" : Host;
        var query = Query.Count == 0 ? "" : "?" + string.Join('&', Query.Select(pair => $"{pair.Key}={Uri.EscapeDataString(pair.Value)}"));
        return $"postgres://{user}{host}:{Port}/{Uri.EscapeDataString(Database)}{query}";
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out DatabaseUrl? value, [NotNullWhen(false)] out string? error)
    {
        error = Parse(text, out value);
        return error is null;
    }

    /// <summary>Returns why <paramref name="text"/> is not a usable URL, or null when it is.</summary>
    private static string? Parse(string text, out DatabaseUrl? value)
    {
        value = null;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        var scheme = schemeEnd < 0 ? "" : text[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("postgres" or "postgresql"))
        {
            return "must be a URL that starts with postgres:// or postgresql://";
        }

        var rest = text[(schemeEnd + 3)..];
        if (rest.Contains('#'))
        {
            return "must not contain '#': percent-encode it as %23 in the user name or password";
        }

        var queryStart = rest.IndexOf('?');
        var queryText = queryStart < 0 ? "" : rest[(queryStart + 1)..];
        rest = queryStart < 0 ? rest : rest[..queryStart];

        var pathStart = rest.IndexOf('/');
        var authority = pathStart < 0 ? rest : rest[..pathStart];
        var path = pathStart < 0 ? "" : rest[(pathStart + 1)..];

        // The last '@' ends the credentials, so an unencoded '@' in a password still works.
        var at = authority.LastIndexOf('@');
        var credentials = at < 0 ? null : authority[..at];
        var hostAndPort = authority[(at + 1)..];

        string? username = null, password = null;
        if (credentials is not null)
        {
            var colon = credentials.IndexOf(':');
            if (!TryDecode(colon < 0 ? credentials : credentials[..colon], out username)
                || (colon >= 0 && !TryDecode(credentials[(colon + 1)..], out password)))
            {
                return "has a malformed percent-encoding in the user name or password";
            }
            username = username.Length == 0 ? null : username;
        }

        if (hostAndPort.Contains(','))
        {
            return "names several hosts; give exactly one";
        }

        string host;
        var portText = "";
        if (hostAndPort.StartsWith('['))
        {
            var close = hostAndPort.IndexOf(']');
            if (close < 0)
            {
                return "has an IPv6 host without its closing ']'";
            }
            host = hostAndPort[1..close];
            var afterHost = hostAndPort[(close + 1)..];
            if (afterHost.Length > 0 && !afterHost.StartsWith(':'))
            {
                return "has characters after the IPv6 host that are not a port";
            }
            portText = afterHost.TrimStart(':');
        }
        else
        {
            var colon = hostAndPort.LastIndexOf(':');
            host = colon < 0 ? hostAndPort : hostAndPort[..colon];
            portText = colon < 0 ? "" : hostAndPort[(colon + 1)..];
            if (!TryDecode(host, out host))
            {
                return "has a malformed percent-encoding in the host";
            }
        }

        if (host.Length == 0)
        {
            return "has no host, e.g. postgres://user:password@host:5432/database";
        }

        var port = DefaultPort;
        if (portText.Length > 0 && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            return "has a port that is not a number from 1 to 65535";
        }

        if (!TryDecode(path, out var database) || database.Length == 0)
        {
            return "has no database name, e.g. postgres://user:password@host:5432/database";
        }
        if (database.Contains('/'))
        {
            return "has a path with more than one segment; the path is the database name";
        }

        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in queryText.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0 || !TryDecode(pair[..equals], out var name) || !TryDecode(pair[(equals + 1)..], out var parameter))
            {
                return "has a query parameter that is not name=value";
            }
            if (!Parameters.TryGetValue(name, out var apply))
            {
                return $"has an unsupported query parameter '{name}' (supported: {string.Join(", ", Parameters.Keys)})";
            }
            try
            {
                apply(new NpgsqlConnectionStringBuilder(), parameter);
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
            {
                return $"has an invalid value for '{name}'";
            }
            query[name] = parameter;
        }

        value = new DatabaseUrl(host, port, database, username, password, query);
        return null;
    }

    private static SslMode ParseSslMode(string value) => value switch
    {
        "disable" => SslMode.Disable,
        "allow" => SslMode.Allow,
        "prefer" => SslMode.Prefer,
        "require" => SslMode.Require,
        "verify-ca" => SslMode.VerifyCA,
        "verify-full" => SslMode.VerifyFull,
        _ => throw new ArgumentException("Unknown sslmode.", nameof(value)),
    };

    private static ChannelBinding ParseChannelBinding(string value) => value switch
    {
        "disable" => ChannelBinding.Disable,
        "prefer" => ChannelBinding.Prefer,
        "require" => ChannelBinding.Require,
        _ => throw new ArgumentException("Unknown channel_binding.", nameof(value)),
    };

    private static bool TryDecode(string text, out string decoded)
    {
        decoded = text;
        for (var i = text.IndexOf('%'); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
            {
                return false;
            }
        }
        decoded = Uri.UnescapeDataString(text);
        return true;
    }
}
