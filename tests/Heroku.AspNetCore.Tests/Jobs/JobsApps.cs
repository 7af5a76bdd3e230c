using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Heroku.AspNetCore.Tests.Jobs;

/// <summary>Apps with jobs on a real database, built as an app's Program.cs builds one, and the worker command run from them.</summary>
internal static class JobsApps
{
    /// <summary>Long enough for a loaded machine; a condition that holds ends the wait at once.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    public static WebApplication Create(string databaseUrl, string environment = TestApps.Environment, JobsSettings? jobs = null,
        Action<WebApplicationBuilder>? configure = null, int? poolSize = null)
    {
        var builder = TestApps.CreateBuilder(environment);
        builder.AddHeroku(TestSettings.Heroku());
        builder.AddHerokuPostgres<TestDbContext>(TestSettings.Database(databaseUrl, poolSize));
        builder.AddHerokuJobs(jobs ?? TestSettings.Jobs());
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>An app whose database has what migrate gives a deployed one (the test context's tables made first: it has no migrations).</summary>
    public static async Task<WebApplication> MigratedAsync(string databaseUrl, Action<WebApplicationBuilder>? configure = null, int? poolSize = null)
    {
        var app = Create(databaseUrl, configure: configure, poolSize: poolSize);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TestDbContext>().Database.EnsureCreatedAsync();
        }
        await TestDatabase.MigrateAsync(app.Services);
        return app;
    }

    /// <summary>Runs `App worker` from <paramref name="app"/> until its host is stopped, as SIGTERM stops it.</summary>
    public static Task<int> RunWorker(WebApplication app)
    {
        var worker = Commands.Find(app.Services, "worker") ?? throw new InvalidOperationException("No worker command.");
        return Task.Run(() => worker.RunAsync(app, []));
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {Patience.TotalSeconds} s for {what}.");
            }
            await Task.Delay(50);
        }
    }
}

/// <summary>A job that counts its runs per key, and notes a key that ran twice at the same time.</summary>
public sealed class CountingJob
{
    internal static readonly ConcurrentDictionary<string, int> Runs = new();
    internal static readonly ConcurrentDictionary<string, int> Running = new();
    internal static readonly ConcurrentBag<string> Overlapping = [];

    public async Task RunAsync(string key, CancellationToken cancellationToken)
    {
        if (Running.AddOrUpdate(key, 1, (_, count) => count + 1) > 1)
        {
            Overlapping.Add(key);
        }
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            Runs.AddOrUpdate(key, 1, (_, count) => count + 1);
        }
        finally
        {
            Running.AddOrUpdate(key, 0, (_, count) => count - 1);
        }
    }
}

/// <summary>A job whose first run waits until it is cancelled; a later run of the same key completes.</summary>
public sealed class FirstRunWaitsJob
{
    internal static readonly ConcurrentDictionary<string, int> Started = new();
    internal static readonly ConcurrentDictionary<string, bool> Completed = new();

    public async Task RunAsync(string key, CancellationToken cancellationToken)
    {
        if (Started.AddOrUpdate(key, 1, (_, count) => count + 1) == 1)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        Completed[key] = true;
    }
}

/// <summary>A job that holds one of the app's database connections, through EF Core, for a while.</summary>
public sealed class DatabaseJob(TestDbContext db)
{
    internal static readonly ConcurrentDictionary<string, int> Runs = new();

    public async Task RunAsync(string key, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlRawAsync("SELECT pg_sleep(0.3)", cancellationToken);
        Runs.AddOrUpdate(key, 1, (_, count) => count + 1);
    }
}
