using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace MyApp.Data;

public static class DatabaseExtensions
{
    private static readonly TimeSpan ReleasePhaseTimeout = TimeSpan.FromMinutes(55);

    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder, string connectionString, int maxPoolSize)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = maxPoolSize,
            // Heroku's router gives up on a request after 30 s (H12). A down or hung database must fail it sooner,
            // as a 503 (DatabaseUnavailable.cs): at most 5 s to connect or wait for a pooled connection,
            // 15 s per command, 2 s to cancel it. Requests also cancel their queries when the visitor goes away.
            Timeout = 5,
            CommandTimeout = 15,
            CancellationTimeout = 2000,
        };
        if (!new DbConnectionStringBuilder { ConnectionString = connectionString }.ContainsKey("SSL Mode"))
        {
            // Without an sslmode in DATABASE_URL: Heroku Postgres refuses unencrypted connections,
            // and a local server usually has no TLS at all.
            connection.SslMode = builder.Environment.IsDevelopment() ? SslMode.Prefer : SslMode.Require;
        }

        builder.Services.AddDbContext<AppDbContext>(options => options
            .UseNpgsql(connection.ConnectionString)
            .UseSnakeCaseNamingConvention()
            // A failed query is logged once, by the request that fails; EF Core's own reports would add three lines.
            .ConfigureWarnings(warnings => warnings.Log(
                (RelationalEventId.ConnectionError, LogLevel.Debug),
                (RelationalEventId.CommandError, LogLevel.Debug),
                (CoreEventId.QueryIterationFailed, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug))));

        builder.Services.AddHealthChecks()
            .AddDbContextCheck<AppDbContext>("database")
            .AddCheck<PendingMigrationsHealthCheck>("migrations", timeout: TimeSpan.FromSeconds(10));

        if (builder.Environment.IsDevelopment())
        {
            // Explains database errors on the detailed error page (DEBUG=true), with a button to apply
            // migrations (the endpoint it posts to is mapped in Development only: Pages/ErrorPages.cs).
            builder.Services.AddDatabaseDeveloperPageExceptionFilter();
        }

        return builder;
    }

    /// <summary>
    /// Applies pending migrations and returns the process exit code: Heroku's release phase runs this
    /// (see Procfile), so a failed migration stops the release and the previous one keeps serving.
    /// Safe to run again, and from several processes at once. <paramref name="thenOnce"/> runs after the
    /// migrations, still inside the lock that keeps other release processes waiting.
    /// </summary>
    public static async Task<int> MigrateDatabaseAsync(this WebApplication app, Action<IServiceProvider> thenOnce)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AppDbContext>().Database;

        // The release phase may run for an hour; a large migration must not stop at Npgsql's 30 seconds.
        database.SetCommandTimeout(ReleasePhaseTimeout);

        try
        {
            // Heroku Postgres always has the database; a local server may not yet. Created as
            // `dotnet ef database update` would, empty, so the migrations below make every table.
            var creator = database.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync())
            {
                app.Logger.LogInformation("migrate: creating the database.");
                try
                {
                    await creator.CreateAsync();
                }
                catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Another migrate process made it first.
                }
            }

            // One release process at a time, for the whole job: EF Core locks only while it migrates,
            // and what follows the migrations must happen once, not once per process.
            await database.OpenConnectionAsync();
            await database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(hashtextextended('release phase', 0))");

            // Creating the history table first keeps EF from logging a failed query on an empty database.
            await database.GetService<IHistoryRepository>().CreateIfNotExistsAsync();

            var pending = (await database.GetPendingMigrationsAsync()).ToList();
            if (pending.Count == 0)
            {
                app.Logger.LogInformation("migrate: the database is up to date.");
            }
            else
            {
                app.Logger.LogInformation("migrate: applying {Migrations}.", string.Join(", ", pending));
                await database.MigrateAsync();
                app.Logger.LogInformation("migrate: done.");
            }

            thenOnce(app.Services);
            return 0;
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or TimeoutException)
        {
            // One line on stderr that names the cause; the connection string (and its password) never appears.
            await Console.Error.WriteLineAsync($"migrate failed: {Describe(exception)}");
            return 1;
        }
        catch (Exception exception)
        {
            // Not the database's doing: the stack trace is what finds the bug. Still a failed release, not a crash.
            await Console.Error.WriteLineAsync($"migrate failed: {exception}");
            return 1;
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }

    /// <summary>A database failure in one line, innermost cause included, without the connection string.</summary>
    internal static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            // EF wraps connection failures in a generic "transient failure" message: the cause is inside.
            if (current is InvalidOperationException { InnerException: DbException })
            {
                continue;
            }
            var message = current is PostgresException postgres ? $"{postgres.MessageText} (SQLSTATE {postgres.SqlState})" : current.Message;
            if (!messages.Any(known => known.Contains(message, StringComparison.Ordinal)))
            {
                messages.Add(message);
            }
        }
        return string.Join(" → ", messages);
    }
}
