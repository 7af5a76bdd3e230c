using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Heroku.AspNetCore;

/// <summary>
/// <c>App migrate</c> applies pending migrations, installs the platform's own tables (the job queue's) and
/// makes the key ring's first key, and its exit code says whether it did: Heroku's release phase runs it (see
/// the Procfile), so a failed migration stops the release and the previous one keeps serving. Safe to run
/// again, and from several processes at once.
/// </summary>
internal sealed class MigrateCommand<TContext> : ICommand, IMigrator
    where TContext : DbContext
{
    // The release phase may run for an hour; a large migration must not stop at Npgsql's 30 seconds.
    private static readonly TimeSpan ReleasePhaseTimeout = TimeSpan.FromMinutes(55);

    public string Name => "migrate";

    public async Task<int> RunAsync(WebApplication app, IReadOnlyList<string> options)
    {
        if (options.Count > 0)
        {
            await Console.Error.WriteLineAsync($"migrate: unknown option {options[0]}. Usage: migrate");
            return ExitCodes.Usage;
        }

        try
        {
            await MigrateAsync(app.Services, app.Logger);
            return 0;
        }
        catch (Exception exception) when (DatabaseUnavailable.IsUnreachable(exception))
        {
            // Where PostgreSQL was looked for, and what to do: in Development, what to start (as the 503 page says).
            var url = app.Services.GetRequiredService<DatabaseSettings>().Url;
            await Console.Error.WriteLineAsync(
                $"migrate failed: {DatabaseUnavailable.CannotBeReached(url, PostgresExtensions.Describe(exception))} {DatabaseUnavailable.WhatToDo(app.Environment)}");
            return 1;
        }
        catch (Exception exception) when (DatabaseUnavailable.IsRefusedLogin(exception))
        {
            var url = app.Services.GetRequiredService<DatabaseSettings>().Url;
            await Console.Error.WriteLineAsync(
                $"migrate failed: {DatabaseUnavailable.LoginRefused(url, PostgresExtensions.Describe(exception))} {DatabaseUnavailable.WhatToCorrect(app.Environment)}");
            return 1;
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or TimeoutException)
        {
            // One line on stderr that names the cause; the connection string (and its password) never appears.
            await Console.Error.WriteLineAsync($"migrate failed: {PostgresExtensions.Describe(exception)}");
            return 1;
        }
        catch (Exception exception)
        {
            // Not the database's doing: the stack trace is what finds the bug. Still a failed release, not a crash.
            await Console.Error.WriteLineAsync($"migrate failed: {exception}");
            return 1;
        }
    }

    public async Task MigrateAsync(IServiceProvider services, ILogger logger)
    {
        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<TContext>().Database;
        database.SetCommandTimeout(ReleasePhaseTimeout);
        try
        {
            // Heroku Postgres always has the database; a local server may not yet. Created as
            // `dotnet ef database update` would, empty, so the migrations below make every table.
            var creator = database.GetService<IRelationalDatabaseCreator>();
            if (!await creator.ExistsAsync())
            {
                logger.LogInformation("migrate: creating the database.");
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
            if (pending.Count > 0)
            {
                logger.LogInformation("migrate: applying {Migrations}.", string.Join(", ", pending));
                await database.MigrateAsync();
            }

            // The platform's own tables, such as the job queue's, under the same lock.
            foreach (var schema in services.GetServices<ISchemaInstaller>())
            {
                await schema.InstallAsync((NpgsqlConnection)database.GetDbConnection(), logger);
            }
            logger.LogInformation(pending.Count == 0 ? "migrate: the database is up to date." : "migrate: done.");

            // Dynos that start together would each make a first key of their own and refuse each other's
            // cookies, so the release phase makes it once, before any of them starts.
            services.GetDataProtector("release phase").Protect([]);
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }
}

/// <summary>What <c>migrate</c> does, for the app's tests: <see cref="TestDatabase.MigrateAsync"/>.</summary>
internal interface IMigrator
{
    Task MigrateAsync(IServiceProvider services, ILogger logger);
}

/// <summary>Tables of the platform's own that <c>migrate</c> installs after the app's migrations, under the same lock.</summary>
internal interface ISchemaInstaller
{
    Task InstallAsync(NpgsqlConnection connection, ILogger logger);
}
