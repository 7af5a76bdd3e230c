using Hangfire;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Heroku.AspNetCore.Tests.Jobs;

/// <summary>
/// The job queue's tables: made by <c>migrate</c> (the release phase), never by a web process as it starts; and what
/// <c>check</c> and <c>worker</c> say when they are missing.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class JobsSchemaTests(PostgresServer postgres)
{
    private const string SchemaTable = "SELECT to_regclass('hangfire.schema')::text";

    private static async Task<int> MigrateAsync(WebApplication app)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TestDbContext>().Database.EnsureCreatedAsync();
        }
        var migrate = Commands.Find(app.Services, "migrate");
        Assert.NotNull(migrate);
        return await migrate.RunAsync(app, []);
    }

    [Fact]
    public async Task Migrate_installs_the_job_queues_tables_at_this_codes_version()
    {
        var url = await postgres.CreateDatabaseAsync("jobs_migrate");
        await using var app = JobsApps.Create(url);

        Assert.Equal(0, await MigrateAsync(app));

        Assert.Equal(JobsSchema.Latest, await postgres.QueryScalarAsync<int>(url, "SELECT max(version) FROM hangfire.schema"));
        Assert.Equal(0, await MigrateAsync(app));
    }

    [Fact]
    public async Task A_web_process_starting_with_the_dashboard_installs_no_tables()
    {
        var url = await postgres.CreateDatabaseAsync("jobs_web_start");
        await using var app = JobsApps.Create(url, "Development");
        app.MapHerokuJobsDashboard();
        using var client = await TestApps.StartAsync(app);

        // A job enqueued before the release phase ran fails; nothing makes the tables on the way.
        await client.GetAsync("/jobs");
        Assert.ThrowsAny<Exception>(() => app.Services.GetRequiredService<IBackgroundJobClient>().Enqueue(() => Console.WriteLine("never")));

        Assert.Null(await postgres.QueryScalarAsync<string>(url, SchemaTable));
    }

    [Fact]
    public async Task Check_reports_missing_tables_as_an_error_that_says_to_run_migrate()
    {
        await using var app = JobsApps.Create(await postgres.CreateDatabaseAsync("jobs_check"));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TestDbContext>().Database.EnsureCreatedAsync();
        }
        var check = Commands.Find(app.Services, "check");
        Assert.NotNull(check);

        var (_, output, _) = await CapturedConsole.RunWithOutputAsync(() => check.RunAsync(app, []));
        var (_, beforeMigrate, _) = await CapturedConsole.RunWithOutputAsync(() => check.RunAsync(app, ["--before-migrate"]));

        Assert.Contains($"ERROR   JOBS cannot be enqueued or run: the job queue's tables are not installed. Run `{TestApps.ApplicationName} migrate` (the release phase does).",
            output, StringComparison.Ordinal);
        Assert.DoesNotContain("JOBS", beforeMigrate, StringComparison.Ordinal);
        Assert.Contains($"migrate installs next: the job queue's tables, version {JobsSchema.Latest}.", beforeMigrate, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_after_migrate_finds_the_tables_in_order()
    {
        await using var app = JobsApps.Create(await postgres.CreateDatabaseAsync("jobs_check_migrated"));
        Assert.Equal(0, await MigrateAsync(app));
        var check = Commands.Find(app.Services, "check");
        Assert.NotNull(check);

        var (_, output, _) = await CapturedConsole.RunWithOutputAsync(() => check.RunAsync(app, []));

        Assert.DoesNotContain("JOBS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_tables_the_worker_stops_and_says_to_run_migrate()
    {
        await using var app = JobsApps.Create(await postgres.CreateDatabaseAsync("jobs_worker_unmigrated"));

        var (exitCode, error) = await CapturedConsole.RunAsync(() => JobsApps.RunWorker(app));

        Assert.Equal(1, exitCode);
        Assert.Equal($"worker failed: the job queue's tables are not installed. Run `{TestApps.ApplicationName} migrate` (the release phase does).\n", error);
    }

    [Fact]
    public async Task An_unknown_worker_option_is_refused_with_its_usage()
    {
        await using var app = JobsApps.Create(TestSettings.NoDatabaseUrl);

        var (exitCode, error) = await CapturedConsole.RunAsync(() => Commands.Find(app.Services, "worker")!.RunAsync(app, ["--queues"]));

        Assert.Equal(64, exitCode);
        Assert.Equal("worker: unknown option --queues. Usage: worker\n", error);
    }
}
