using Hangfire;
using Hangfire.Storage;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Heroku.AspNetCore.Tests.Jobs;

/// <summary><c>App worker</c>, the Procfile's worker process, run from apps on a real database.</summary>
public sealed class WorkerTests(PostgresServer postgres)
{
    [Fact]
    public async Task The_worker_runs_a_job_that_the_app_enqueued()
    {
        await using var app = await JobsApps.MigratedAsync(await postgres.CreateDatabaseAsync("worker_runs"));
        var key = Guid.NewGuid().ToString("N");
        app.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<CountingJob>(job => job.RunAsync(key, CancellationToken.None));

        var worker = JobsApps.RunWorker(app);
        await JobsApps.WaitUntilAsync(() => CountingJob.Runs.ContainsKey(key), "the job to run");
        app.Lifetime.StopApplication();

        Assert.Equal(0, await worker);
        Assert.Equal(1, CountingJob.Runs[key]);
    }

    [Fact]
    public async Task A_stopped_worker_hands_its_running_job_back_and_the_next_worker_runs_it()
    {
        var url = await postgres.CreateDatabaseAsync("worker_stops");
        await using var first = await JobsApps.MigratedAsync(url);
        var key = Guid.NewGuid().ToString("N");
        var id = first.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<FirstRunWaitsJob>(job => job.RunAsync(key, CancellationToken.None));
        var firstWorker = JobsApps.RunWorker(first);
        await JobsApps.WaitUntilAsync(() => FirstRunWaitsJob.Started.ContainsKey(key), "the job to start");

        // What SIGTERM does: the job's token is cancelled, and the job goes back to the queue at once.
        first.Lifetime.StopApplication();

        Assert.Equal(0, await firstWorker);
        Assert.False(FirstRunWaitsJob.Completed.ContainsKey(key));
        Assert.Equal(1L, await postgres.QueryScalarAsync<long>(url, $"SELECT count(*) FROM hangfire.jobqueue WHERE jobid = {id} AND fetchedat IS NULL"));

        await using var second = JobsApps.Create(url);
        var secondWorker = JobsApps.RunWorker(second);
        await JobsApps.WaitUntilAsync(() => FirstRunWaitsJob.Completed.ContainsKey(key), "the next worker to run the job");
        second.Lifetime.StopApplication();
        Assert.Equal(0, await secondWorker);
        Assert.Equal(2, FirstRunWaitsJob.Started[key]);
    }

    [Fact]
    public async Task Two_workers_run_each_of_many_jobs_once_and_never_one_job_at_once()
    {
        var url = await postgres.CreateDatabaseAsync("worker_pair");
        await using var first = await JobsApps.MigratedAsync(url);
        await using var second = JobsApps.Create(url);
        var client = first.Services.GetRequiredService<IBackgroundJobClient>();
        var keys = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid().ToString("N")).ToList();

        var workers = new[] { JobsApps.RunWorker(first), JobsApps.RunWorker(second) };
        foreach (var key in keys)
        {
            client.Enqueue<CountingJob>(job => job.RunAsync(key, CancellationToken.None));
        }
        await JobsApps.WaitUntilAsync(() => keys.All(CountingJob.Runs.ContainsKey), "every job to run");
        // Time for a second run of any job to show, if one were coming: the queue is empty.
        await JobsApps.WaitUntilAsync(() => Count(url, "SELECT count(*) FROM hangfire.jobqueue") == 0, "the queue to empty");
        first.Lifetime.StopApplication();
        second.Lifetime.StopApplication();

        var exitCodes = await Task.WhenAll(workers);
        Assert.Equal([0, 0], exitCodes);
        Assert.All(keys, key => Assert.Equal(1, CountingJob.Runs[key]));
        Assert.DoesNotContain(CountingJob.Overlapping, keys.Contains);
        // Both servers took part: the jobs were shared, not run by one of them alone.
        Assert.Equal(2L, Count(url, "SELECT count(DISTINCT data->>'ServerId') FROM hangfire.state WHERE name = 'Processing'"));
    }

    [Fact]
    public async Task A_worker_and_its_jobs_share_one_pool_of_DATABASE_POOL_SIZE_connections()
    {
        var url = await postgres.CreateDatabaseAsync("worker_pool");
        await using var app = await JobsApps.MigratedAsync(url, poolSize: 3);
        var client = app.Services.GetRequiredService<IBackgroundJobClient>();
        var keys = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        foreach (var key in keys)
        {
            client.Enqueue<DatabaseJob>(job => job.RunAsync(key, CancellationToken.None));
        }

        // The most connections the database saw from the app while two jobs at a time each held one; the count's own
        // connection excluded. Pooled connections stay open when idle, so a second pool would show at once.
        var worker = JobsApps.RunWorker(app);
        var most = 0L;
        while (!keys.All(DatabaseJob.Runs.ContainsKey))
        {
            most = Math.Max(most, Count(url, "SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = current_database()"));
            await Task.Delay(20);
        }
        app.Lifetime.StopApplication();

        Assert.Equal(0, await worker);
        Assert.InRange(most, 1, 3);
    }

    [Fact]
    public async Task The_worker_schedules_the_declared_recurring_jobs_in_utc_and_removes_those_no_longer_declared()
    {
        var url = await postgres.CreateDatabaseAsync("worker_recurring");
        await using var before = await JobsApps.MigratedAsync(url, builder => builder
            .AddRecurringJob<CountingJob>("old-chore", job => job.RunAsync("old", CancellationToken.None), "0 * * * *"));
        await RunBrieflyAsync(before);

        await using var after = JobsApps.Create(url, configure: builder => builder
            .AddRecurringJob<CountingJob>("nightly-chore", job => job.RunAsync("nightly", CancellationToken.None), "30 3 * * *"));
        await RunBrieflyAsync(after);

        using var connection = after.Services.GetRequiredService<JobStorage>().GetConnection();
        var scheduled = Assert.Single(connection.GetRecurringJobs());
        Assert.Equal(("nightly-chore", "30 3 * * *", "UTC"), (scheduled.Id, scheduled.Cron, scheduled.TimeZoneId));
        Assert.Equal(nameof(CountingJob.RunAsync), scheduled.Job.Method.Name);
    }

    private static async Task RunBrieflyAsync(WebApplication app)
    {
        var worker = JobsApps.RunWorker(app);
        app.Lifetime.StopApplication();
        Assert.Equal(0, await worker);
    }

    private static long Count(string url, string sql)
    {
        using var connection = new Npgsql.NpgsqlConnection(TestUrls.ToConnectionString(url).ConnectionString);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)command.ExecuteScalar()!;
    }
}
