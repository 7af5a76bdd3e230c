using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using HerokuApp._1.Settings;

namespace HerokuApp._1.Data;

public static class DatabaseExtensions
{
    private static readonly TimeSpan ReleasePhaseTimeout = TimeSpan.FromMinutes(55);

    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder, AppSettings settings)
    {
        // Heroku Postgres refuses unencrypted connections; a local server usually has no TLS at all.
        var defaultSslMode = builder.Environment.IsDevelopment() ? SslMode.Prefer : SslMode.Require;
        var connectionString = settings.DatabaseUrl.ToConnectionString(defaultSslMode, settings.DatabasePoolSize);

        builder.Services.AddDbContext<AppDbContext>(options => options
            .UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention());

        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database");

        if (settings.Debug && builder.Environment.IsDevelopment())
        {
            // Explains database errors on the detailed error page, with a button to apply migrations
            // (the endpoint it posts to is mapped in Development only: Pages/ErrorPages.cs).
            builder.Services.AddDatabaseDeveloperPageExceptionFilter();
        }

        return builder;
    }

    /// <summary>
    /// Applies pending migrations and returns the process exit code: Heroku's release phase runs this
    /// (see Procfile), so a failed migration stops the release and the previous one keeps serving.
    /// Safe to run again, and from several processes at once.
    /// </summary>
    public static async Task<int> MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AppDbContext>().Database;

        // The release phase may run for an hour; a large migration must not stop at Npgsql's 30 seconds.
        database.SetCommandTimeout(ReleasePhaseTimeout);

        try
        {
            // One release process at a time, for the whole job: EF Core locks only while it migrates,
            // and the key ring's first key below must be made once, not once per process.
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

            // Dynos that start together would each make a first key of their own and refuse each
            // other's cookies: the release phase makes it once, before any of them starts.
            app.Services.GetDataProtector("release phase").Protect([]);
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
