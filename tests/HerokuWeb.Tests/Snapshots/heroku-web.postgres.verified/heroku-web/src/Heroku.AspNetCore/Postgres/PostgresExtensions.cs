using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Heroku.AspNetCore;

/// <summary>PostgreSQL from <c>DATABASE_URL</c>, for an app on Heroku.</summary>
public static class PostgresExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TContext"/> on the database that <paramref name="settings"/> name (EF Core,
    /// Npgsql, snake_case names), with timeouts inside Heroku's router window and TLS outside Development;
    /// stores the key ring in it, each key encrypted with SECRET_KEY; adds the database to <c>/readyz</c> and
    /// to <c>check</c>; turns an unreachable database into the 503 page; and adds the <c>migrate</c> command,
    /// which the Procfile's release phase runs. Call it after <see cref="HerokuExtensions.AddHeroku"/>.
    /// </summary>
    public static WebApplicationBuilder AddHerokuPostgres<TContext>(this WebApplicationBuilder builder, DatabaseSettings settings)
        where TContext : DbContext, IDataProtectionKeyContext
    {
        builder.Services.AddSingleton(settings);
        var connectionString = settings.ConnectionString(builder.Environment);
        builder.Services.AddDbContext<TContext>(options => options
            .UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention()
            // A failed query is logged once, by the request that fails; EF Core's own reports would add three lines.
            .ConfigureWarnings(warnings => warnings.Log(
                (RelationalEventId.ConnectionError, LogLevel.Debug),
                (RelationalEventId.CommandError, LogLevel.Debug),
                (CoreEventId.QueryIterationFailed, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug))));

        // Keys live in the database, each encrypted with SECRET_KEY (SecretKeyEncryption.cs); the release
        // phase makes the first one (MigrateCommand.cs).
        builder.Services.AddDataProtection().PersistKeysToDbContext<TContext>().ProtectKeysWithSecretKey();

        builder.Services.AddHealthChecks()
            .AddDbContextCheck<TContext>("database")
            .AddCheck<PendingMigrationsHealthCheck<TContext>>("migrations", timeout: TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<IDeployCheck, DatabaseCheck<TContext>>();
        builder.Services.AddCommand<MigrateCommand<TContext>>();
        builder.Services.AddSingleton<IMigrator, MigrateCommand<TContext>>();

        // A span per command and Npgsql's metrics, taken only when AddHerokuTelemetry turns OpenTelemetry on.
        builder.Services.AddSingleton<IInstrumentation, NpgsqlInstrumentation>();

        var development = builder.Environment.IsDevelopment();
        builder.Services.Configure<HerokuPipelineOptions>(pipeline => pipeline.InsideErrorPages.Add(app =>
        {
            if (development && app.Services.GetRequiredService<HerokuSettings>().Debug)
            {
                // The detailed error page for a database that lacks migrations offers to apply them.
                app.UseMigrationsEndPoint();
            }
            app.UseDatabaseUnavailablePage();
        }));
        if (development)
        {
            // Explains database errors on the detailed error page (DEBUG=true), with a button to apply migrations.
            builder.Services.AddDatabaseDeveloperPageExceptionFilter();
        }
        return builder;
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
