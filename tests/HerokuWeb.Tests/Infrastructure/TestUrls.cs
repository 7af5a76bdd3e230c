using Npgsql;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>Converts between the postgres:// URLs the apps read and Npgsql connection strings, for the tests' own use.</summary>
public static class TestUrls
{
    public static NpgsqlConnectionStringBuilder ToConnectionString(string url)
    {
        var uri = new Uri(url);
        var credentials = uri.UserInfo.Split(':', 2);
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => Uri.UnescapeDataString(pair.ElementAtOrDefault(1) ?? ""));
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Username = Uri.UnescapeDataString(credentials[0]),
            Password = credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : null,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            SslMode = query.GetValueOrDefault("sslmode") switch
            {
                "disable" => SslMode.Disable,
                "require" => SslMode.Require,
                _ => SslMode.Prefer,
            },
            Pooling = false,
        };
    }

    public static string ToUrl(NpgsqlConnectionStringBuilder server, string database)
    {
        var credentials = Uri.EscapeDataString(server.Username ?? "postgres")
            + (server.Password is { Length: > 0 } password ? ":" + Uri.EscapeDataString(password) : "");
        var sslMode = server.SslMode.ToString().ToLowerInvariant();
        return $"postgres://{credentials}@{server.Host}:{server.Port}/{database}?sslmode={sslMode}";
    }
}
