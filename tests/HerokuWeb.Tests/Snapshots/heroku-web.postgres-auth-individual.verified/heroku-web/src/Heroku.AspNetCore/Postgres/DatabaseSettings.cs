using System.Data.Common;
using Npgsql;

namespace Heroku.AspNetCore;

/// <summary>The environment variables of the database, declared like the rest of the app's settings.</summary>
/// <param name="env">The reader of the app's settings type.</param>
public sealed class DatabaseSettings(SettingsReader env)
{
    /// <summary>The PostgreSQL database. Heroku Postgres sets it and may change it when it rotates credentials.</summary>
    public NpgsqlConnectionStringBuilder Url { get; } = env.Required("DATABASE_URL", DatabaseUrl.Parse, secret: true,
        help: "a postgres:// URL, e.g. postgres://user:password@host:5432/database?sslmode=require");

    /// <summary>The most connections one process opens. Entry Heroku Postgres plans allow about 20 in all, shared by every dyno.</summary>
    public int PoolSize { get; } = env.Optional("DATABASE_POOL_SIZE", 5, text => Parse.Integer(text, 1, 100),
        help: "a whole number from 1 to 100 (default 5)");

    /// <summary>
    /// The connection string the app uses: <see cref="Url"/> with the pool size, and timeouts that fail a request
    /// before Heroku's router does (H12, 30 s). TLS is required outside Development unless the URL's
    /// <c>sslmode</c> says otherwise: Heroku Postgres refuses unencrypted connections, and a local server
    /// usually has no TLS at all.
    /// </summary>
    internal string ConnectionString(IHostEnvironment environment)
    {
        // What the URL itself set. Not an NpgsqlConnectionStringBuilder: its ContainsKey says whether a keyword
        // exists at all, so it is true for "Timeout" and "SSL Mode" whether or not the URL set them.
        var given = new DbConnectionStringBuilder { ConnectionString = Url.ConnectionString };
        var connection = new NpgsqlConnectionStringBuilder(Url.ConnectionString)
        {
            MaxPoolSize = PoolSize,
            // 15 s per command and 2 s to cancel it; requests also cancel their queries when the visitor goes away.
            CommandTimeout = 15,
            CancellationTimeout = 2000,
        };
        // At most 5 s to connect or to wait for a pooled connection, unless the URL's connect_timeout says otherwise.
        if (!given.ContainsKey("Timeout"))
        {
            connection.Timeout = 5;
        }
        if (!given.ContainsKey("SSL Mode"))
        {
            connection.SslMode = environment.IsDevelopment() ? SslMode.Prefer : SslMode.Require;
        }
        return connection.ConnectionString;
    }
}
