using System.Data.Common;
using System.Runtime.InteropServices;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.Logging;
using Hangfire.Storage;
using Npgsql;

namespace Heroku.AspNetCore;

/// <summary>
/// <c>App worker</c>, the Procfile's <c>worker:</c> process: runs the jobs the web process enqueues, and the recurring
/// ones, with Hangfire's job server. No HTTP port; one job fewer at once than <c>DATABASE_POOL_SIZE</c>
/// (<see cref="Concurrency"/>; Hangfire's default, five per CPU, would exhaust an Essential plan's 20 connections),
/// so however many connections the running jobs hold, one is left for the worker's own queries. On SIGTERM (every
/// deploy, the daily restart) it takes no new job, gives running jobs <see cref="StopTimeout"/> to finish, then
/// cancels their token, and a cancelled job goes back to the queue; it exits within <see cref="ShutdownTimeout"/>,
/// inside Heroku's 30 seconds. A job held by a worker that was killed runs again on another after
/// <c>JOBS_VISIBILITY_TIMEOUT</c>. Delivery is at least once: a job may run twice.
/// </summary>
internal sealed class WorkerCommand(JobStorage storage, JobActivator activator, DatabaseSettings database, IEnumerable<RecurringJobDeclaration> recurring)
    : ICommand
{
    /// <summary>How long running jobs may go on after SIGTERM before their cancellation token fires.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long after SIGTERM the worker waits for its jobs to end, before it exits regardless.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    public string Name => "worker";

    /// <summary>How many jobs a worker runs at once: one fewer than its pool has connections, and at least one.</summary>
    public static int Concurrency(DatabaseSettings database) => Math.Max(1, database.PoolSize - 1);

    public async Task<int> RunAsync(WebApplication app, IReadOnlyList<string> options)
    {
        if (options.Count > 0)
        {
            await Console.Error.WriteLineAsync($"worker: unknown option {options[0]}. Usage: worker");
            return ExitCodes.Usage;
        }

        // The host never starts in a command, so nothing else listens for Heroku's SIGTERM or a terminal's Ctrl+C.
        var lifetime = app.Lifetime;
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            lifetime.StopApplication();
        }
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);

        if (await SchemaProblemAsync(app) is { } problem)
        {
            await Console.Error.WriteLineAsync($"worker failed: {problem}");
            return 1;
        }

        // Hangfire's serializer settings; and its log, one for the whole process, through the app's while the worker runs.
        app.Services.GetRequiredService<IGlobalConfiguration>();
        LogProvider.SetCurrentLogProvider(new AspNetCoreLogProvider(app.Services.GetRequiredService<ILoggerFactory>()));
        try
        {
            return await RunServerAsync(app);
        }
        finally
        {
            LogProvider.SetCurrentLogProvider(null);
        }
    }

    private async Task<int> RunServerAsync(WebApplication app)
    {
        try
        {
            ScheduleRecurringJobs(app);
        }
        catch (ArgumentException exception)
        {
            await Console.Error.WriteLineAsync($"worker failed: {exception.Message}");
            return 1;
        }

        var server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            WorkerCount = Concurrency(database),
            StopTimeout = StopTimeout,
            ShutdownTimeout = ShutdownTimeout,
            Activator = activator,
            FilterProvider = app.Services.GetService<IJobFilterProvider>(),
        }, storage, []);
        app.Logger.LogInformation("worker: started, running up to {Count} jobs at once (one fewer than DATABASE_POOL_SIZE).", Concurrency(database));

        await Task.Delay(Timeout.InfiniteTimeSpan, app.Lifetime.ApplicationStopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        app.Logger.LogInformation("worker: stopping: no new jobs; running ones have {Seconds} s to finish, then go back to the queue.",
            StopTimeout.TotalSeconds);
        server.SendStop();
        using var deadline = new CancellationTokenSource(ShutdownTimeout + TimeSpan.FromSeconds(1));
        try
        {
            await server.WaitForShutdownAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // A job that ignores its token: disposing the server would wait for it forever. Its hold lapses, and
            // another worker runs it again.
            app.Logger.LogWarning("worker: a job did not stop; another worker runs it again after JOBS_VISIBILITY_TIMEOUT.");
            return 0;
        }
        server.Dispose();
        app.Logger.LogInformation("worker: stopped.");
        return 0;
    }

    // Why the worker cannot run jobs (no database, no tables), in one line without the password; or null.
    private async Task<string?> SchemaProblemAsync(WebApplication app)
    {
        var url = database.Url;
        try
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString(app.Environment));
            await connection.OpenAsync();
            var installed = await JobsSchema.InstalledVersionAsync(connection);
            return installed >= JobsSchema.Latest ? null
                : $"the job queue's tables are {(installed is null ? "not installed" : $"at version {installed}, older than this code's {JobsSchema.Latest}")}. "
                    + $"Run `{app.Environment.ApplicationName} migrate` (the release phase does).";
        }
        catch (Exception exception) when (DatabaseUnavailable.IsUnreachable(exception))
        {
            return $"{DatabaseUnavailable.CannotBeReached(url, PostgresExtensions.Describe(exception))} {DatabaseUnavailable.WhatToDo(app.Environment)}";
        }
        catch (Exception exception) when (DatabaseUnavailable.IsRefusedLogin(exception))
        {
            return $"{DatabaseUnavailable.LoginRefused(url, PostgresExtensions.Describe(exception))} {DatabaseUnavailable.WhatToCorrect(app.Environment)}";
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or TimeoutException)
        {
            return PostgresExtensions.Describe(exception);
        }
    }

    // The declared recurring jobs, as the code has them now: added or updated, and those no longer declared removed.
    private void ScheduleRecurringJobs(WebApplication app)
    {
        var manager = app.Services.GetRequiredService<IRecurringJobManager>();
        var declared = recurring.ToList();
        foreach (var job in declared)
        {
            try
            {
                manager.AddOrUpdate(job.Id, job.Job, job.Cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
            }
            catch (ArgumentException exception)
            {
                throw new ArgumentException($"the recurring job {job.Id} has a schedule that is not a cron expression, \"{job.Cron}\" ({exception.Message}).", exception);
            }
        }
        using var connection = storage.GetConnection();
        foreach (var stored in connection.GetRecurringJobs().Where(stored => declared.All(job => job.Id != stored.Id)))
        {
            manager.RemoveIfExists(stored.Id);
            app.Logger.LogInformation("worker: removed the recurring job {Id}, which the code no longer declares.", stored.Id);
        }
        foreach (var job in declared)
        {
            app.Logger.LogInformation("worker: recurring job {Id} at {Cron} (UTC).", job.Id, job.Cron);
        }
    }
}
