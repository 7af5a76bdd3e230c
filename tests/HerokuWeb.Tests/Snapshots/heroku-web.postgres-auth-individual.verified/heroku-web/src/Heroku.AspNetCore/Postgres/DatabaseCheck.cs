using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Heroku.AspNetCore;

/// <summary>The database's part of <c>check</c>: reachable, migrated, and a pool that fits the plan.</summary>
internal sealed class DatabaseCheck<TContext>(DatabaseSettings settings) : IDeployCheck
    where TContext : DbContext
{
    /// <summary>For a release phase that checks before it migrates: pending migrations are expected there.</summary>
    public const string BeforeMigrateOption = "--before-migrate";

    public IReadOnlyList<string> Options => [BeforeMigrateOption];

    // What the pool size is measured against: an Essential Heroku Postgres plan allows 20 connections, and
    // two web dynos, a worker and the release phase (or a `heroku run`) each open a pool of their own.
    private const int PlanConnectionLimit = 20;
    private const int ProcessesSharingTheDatabase = 4;

    public async Task<IEnumerable<Finding>> CheckAsync(WebApplication app, IReadOnlyList<string> options)
    {
        var beforeMigrate = options.Contains(BeforeMigrateOption);
        var findings = new List<Finding>();

        var connections = settings.PoolSize * ProcessesSharingTheDatabase;
        if (connections > PlanConnectionLimit)
        {
            findings.Add(Finding.Warning("DATABASE_POOL_SIZE",
                $"is {settings.PoolSize}: two web dynos, a worker and the release phase may open {connections} connections, more than the " +
                $"{PlanConnectionLimit} an Essential Heroku Postgres plan allows. Lower it, unless your plan allows more."));
        }

        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<TContext>().Database;
        try
        {
            await database.OpenConnectionAsync();

            // Read only: check never creates the history table that migrate would, and asks PostgreSQL
            // whether it exists (Npgsql's history repository always says it does).
            var historyTable = $"\"{HistoryRepository.DefaultTableName}\"";
            var hasHistory = await database.SqlQuery<bool>($"SELECT to_regclass({historyTable}) IS NOT NULL AS \"Value\"").SingleAsync();
            var applied = hasHistory ? (await database.GetAppliedMigrationsAsync()).ToList() : [];
            var known = database.GetMigrations().ToList();

            var pending = known.Except(applied).ToList();
            if (pending.Count > 0 && !beforeMigrate)
            {
                findings.Add(Finding.Error("MIGRATIONS",
                    $"not applied yet: {string.Join(", ", pending)}. Run `{app.Environment.ApplicationName} migrate` (the release phase does)."));
            }
            else if (pending.Count > 0)
            {
                Console.WriteLine($"migrate applies next: {string.Join(", ", pending)}.");
            }

            var unknown = applied.Except(known).ToList();
            if (unknown.Count > 0)
            {
                findings.Add(Finding.Warning("MIGRATIONS",
                    $"in the database that this code does not have: {string.Join(", ", unknown)}. Expected after a rollback; otherwise this code is older than its database."));
            }

            if (database.HasPendingModelChanges())
            {
                findings.Add(Finding.Error("MIGRATIONS",
                    "do not cover every change to the model, and migrate refuses to run: add one with `dotnet ef migrations add`."));
            }
        }
        catch (Exception exception) when (DatabaseUnavailable.IsUnreachable(exception))
        {
            // Where PostgreSQL was looked for and what to do, in migrate's words.
            findings.Add(Finding.Error("DATABASE_URL",
                $"cannot be used: {DatabaseUnavailable.CannotBeReached(settings.Url, PostgresExtensions.Describe(exception))} {DatabaseUnavailable.WhatToDo(app.Environment)}"));
        }
        catch (Exception exception) when (DatabaseUnavailable.IsRefusedLogin(exception))
        {
            findings.Add(Finding.Error("DATABASE_URL",
                $"cannot be used: {DatabaseUnavailable.LoginRefused(settings.Url, PostgresExtensions.Describe(exception))} {DatabaseUnavailable.WhatToCorrect(app.Environment)}"));
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or TimeoutException)
        {
            // The cause in one line; the connection string and its password never appear.
            findings.Add(Finding.Error("DATABASE_URL", $"cannot be used: {PostgresExtensions.Describe(exception)}."));
        }
        finally
        {
            await database.CloseConnectionAsync();
        }

        return findings;
    }
}
