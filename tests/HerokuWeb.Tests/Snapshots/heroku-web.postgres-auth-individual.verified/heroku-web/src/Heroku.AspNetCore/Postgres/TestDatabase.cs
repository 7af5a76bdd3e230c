using System.Text.RegularExpressions;
using Npgsql;

namespace Heroku.AspNetCore;

/// <summary>
/// The PostgreSQL database the tests write to, found as Django finds its test database:
/// <list type="number">
/// <item>TEST_DATABASE_URL, as is;</item>
/// <item>else DATABASE_URL from the environment, as is (Heroku CI gives each run a throwaway database);</item>
/// <item>else .env's DATABASE_URL with <c>_test</c> appended to the database name: created for the run
/// and dropped after it, on the server you already develop against.</item>
/// </list>
/// </summary>
public static partial class TestDatabase
{
    /// <summary>The variable that names the test database.</summary>
    public const string VariableName = "TEST_DATABASE_URL";

    // Lets tests that never open a connection run without a database.
    private const string Placeholder = "postgres://tests@localhost:1/no-database?sslmode=disable";

    private static readonly (string? Url, string Source, bool Owned) Resolved = WithTlsIfOffered(Resolve());

    private static readonly Lazy<Task<string>> Prepared = new(PrepareAsync);

    /// <summary>The test database's URL, or null when none is configured.</summary>
    public static string? Url => Resolved.Url;

    /// <summary>The URL, or one that no server answers, so that tests that never open a connection run without a database.</summary>
    public static string UrlOrPlaceholder => Url ?? Placeholder;

    /// <summary>The database, reachable (and created when the tests own it), or a failure that says what to start.</summary>
    public static Task<string> RequireUrlAsync() => Prepared.Value;

    /// <summary>
    /// Gives the test database what <c>migrate</c> gives a deployed one: the app's migrations, the platform's own
    /// tables (the job queue's) and the key ring's first key. <paramref name="services"/> are the app's, on it.
    /// </summary>
    public static Task MigrateAsync(IServiceProvider services) =>
        services.GetRequiredService<IMigrator>().MigrateAsync(services, services.GetRequiredService<ILoggerFactory>().CreateLogger("migrate"));

    /// <summary>Drops the test database after the run, when the tests made it.</summary>
    public static async Task DropIfOwnedAsync()
    {
        if (Resolved.Owned && Prepared.IsValueCreated && Prepared.Value.IsCompletedSuccessfully)
        {
            await ExecuteOnServerAsync(Parse(Resolved.Url!), database => $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    private static (string?, string, bool) Resolve()
    {
        if (Environment.GetEnvironmentVariable(VariableName) is { Length: > 0 } test)
        {
            return (test, VariableName, false);
        }
        if (Environment.GetEnvironmentVariable("DATABASE_URL") is { Length: > 0 } environment)
        {
            return (environment, "DATABASE_URL", false);
        }
        if (DotEnvFile.Find(AppContext.BaseDirectory) is { } path
            && DotEnvFile.Parse(File.ReadAllText(path), path, Environment.GetEnvironmentVariable).TryGetValue("DATABASE_URL", out var development))
        {
            // postgres://user:password@host:5432/name?sslmode=disable → …/name_test?sslmode=disable
            var query = development.IndexOf('?');
            var url = query < 0 ? development + "_test" : development[..query] + "_test" + development[query..];
            return (url, $"DATABASE_URL in {path}, with _test appended", true);
        }
        return (null, "", false);
    }

    // Outside Development the app demands TLS unless the URL says otherwise, but test servers (a local
    // one, or Heroku CI's in-dyno database) usually have none: without an sslmode, use TLS if offered.
    private static (string?, string, bool) WithTlsIfOffered((string? Url, string Source, bool Owned) resolved) =>
        resolved.Url is { } url && !url.Contains("sslmode=", StringComparison.OrdinalIgnoreCase)
            ? (url + (url.Contains('?') ? "&" : "?") + "sslmode=prefer", resolved.Source, resolved.Owned)
            : resolved;

    private static async Task<string> PrepareAsync()
    {
        var url = Url ?? throw new InvalidOperationException(
            $"The database tests need PostgreSQL: set {VariableName} (or DATABASE_URL) to a database they may write to, " +
            "or DATABASE_URL in .env to the one you develop with; the tests then use that name with _test appended.");
        var parsed = Parse(url);
        try
        {
            if (Resolved.Owned)
            {
                // A run that was stopped half-way may have left it behind.
                await ExecuteOnServerAsync(parsed, database => $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
                await ExecuteOnServerAsync(parsed, database => $"CREATE DATABASE \"{database}\"");
            }
            else
            {
                await using var connection = new NpgsqlConnection(parsed.ConnectionString);
                await connection.OpenAsync();
            }
        }
        catch (NpgsqlException exception)
        {
            throw new InvalidOperationException(
                $"The database tests could not use {Redacted(url)} (from {Resolved.Source}): {exception.Message}. " +
                "Start PostgreSQL there (`docker compose up -d` runs the one in compose.yaml), " +
                $"or set {VariableName} to a database the tests may write to.", exception);
        }
        return url;
    }

    private static string Redacted(string url) => Password().Replace(url, "$1********@");

    private static NpgsqlConnectionStringBuilder Parse(string url)
    {
        try
        {
            var builder = DatabaseUrl.Parse(url);
            builder.MaxPoolSize = 1;
            return builder;
        }
        catch (FormatException exception)
        {
            throw new InvalidOperationException($"The test database URL (from {Resolved.Source}) {exception.Message}.", exception);
        }
    }

    // CREATE and DROP DATABASE run on the server's maintenance database, never inside the one they change.
    private static async Task ExecuteOnServerAsync(NpgsqlConnectionStringBuilder url, Func<string, string> sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(url.ConnectionString)
        {
            Database = "postgres",
            Pooling = false,
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql(url.Database!.Replace("\"", "\"\"", StringComparison.Ordinal)), connection);
        await command.ExecuteNonQueryAsync();
    }

    [GeneratedRegex("^([^:/]+://[^:/@]*:)[^@/]*@")]
    private static partial Regex Password();
}
