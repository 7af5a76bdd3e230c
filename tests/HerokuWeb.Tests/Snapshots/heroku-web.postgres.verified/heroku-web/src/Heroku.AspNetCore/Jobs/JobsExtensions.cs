using System.Linq.Expressions;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Heroku.AspNetCore;

/// <summary>Background jobs kept in the app's PostgreSQL database and run by the Procfile's <c>worker</c> process.</summary>
public static class JobsExtensions
{
    /// <summary>Where the jobs dashboard answers.</summary>
    public const string DashboardPath = "/jobs";

    /// <summary>
    /// Registers Hangfire's job client (<see cref="IBackgroundJobClient"/>) on the app's database, the <c>worker</c>
    /// command that runs the jobs (the Procfile's <c>worker:</c>), the job queue's tables in <c>migrate</c>, and
    /// those tables in <c>check</c>. The web process only enqueues: no job runs in it, and it never touches the
    /// schema. Call it after <see cref="PostgresExtensions.AddHerokuPostgres{TContext}"/>.
    /// </summary>
    public static WebApplicationBuilder AddHerokuJobs(this WebApplicationBuilder builder, JobsSettings settings)
    {
        builder.Services.AddSingleton(settings);
        var environment = builder.Environment;

        // Registered before AddHangfire, whose defaults are process-wide statics (JobStorage.Current, JobActivator.Current):
        // each app keeps its own. The connection string is EF Core's, so jobs share the process's pool (DATABASE_POOL_SIZE).
        builder.Services.AddSingleton<JobStorage>(services =>
        {
            var options = StorageOptions(settings);
            var connectionString = services.GetRequiredService<DatabaseSettings>().ConnectionString(environment);
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        });
        builder.Services.AddSingleton<JobActivator>(services => new AspNetCoreJobActivator(services.GetRequiredService<IServiceScopeFactory>()));
        // Hangfire's global filters (retries), and each job's trace from enqueue to run (JobsTelemetry.cs).
        builder.Services.AddSingleton<IJobFilterProvider>(new JobFilterProviderCollection(JobFilterProviders.Providers, new JobFilterCollection { new JobsTelemetry() }));
        builder.Services.AddHangfire(_ => { });
        // In place of AddHangfire's, which would also point Hangfire's log, one for the whole process, at this app's: a
        // log that outlived its app (in tests, where apps come and go) would break Hangfire for the rest of the process.
        // The worker, the one process where Hangfire logs much, points it at its own while it runs (WorkerCommand.cs).
        builder.Services.Replace(ServiceDescriptor.Singleton<IGlobalConfiguration>(_ => GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()));

        // Hangfire's dashboard colours its pages with style attributes, and its charts add a <style>: inline styles
        // are allowed there, and nowhere else; its scripts are its own files, as the policy asks.
        builder.Services.Configure<HerokuPipelineOptions>(pipeline =>
            pipeline.ContentSecurityPolicyByPath[DashboardPath] = csp => csp.AddStyleSrc().Self().UnsafeInline());

        // The dashboard's buttons post with the app's antiforgery token, which Hangfire checks only when the service is
        // there: a browser sends the Basic credentials with a forged cross-site post too.
        builder.Services.AddAntiforgery();

        builder.Services.AddSingleton<ISchemaInstaller, JobsSchema>();
        builder.Services.AddSingleton<IDeployCheck, JobsCheck>();
        builder.Services.AddCommand<WorkerCommand>();
        return builder;
    }

    /// <summary>
    /// Declares a recurring job: <paramref name="job"/> runs on the schedule that <paramref name="cron"/> gives, in
    /// UTC (<c>"30 3 * * *"</c>: every day at 03:30), on one worker, like a Heroku Scheduler entry kept in the
    /// code. The worker writes the declared jobs to the database as it starts, and removes those no longer
    /// declared. A <see cref="CancellationToken"/> argument is replaced by the job's own (pass
    /// <c>CancellationToken.None</c>), which is cancelled when the worker stops.
    /// </summary>
    /// <param name="builder">The app's builder.</param>
    /// <param name="id">The job's name, unique in the app: the dashboard lists it, and renaming it makes another job.</param>
    /// <param name="job">The call to make, e.g. <c>cleanup => cleanup.RunAsync(CancellationToken.None)</c>; <typeparamref name="TJob"/> comes from dependency injection.</param>
    /// <param name="cron">When, as a cron expression in UTC: minute, hour, day of month, month, day of week.</param>
    public static WebApplicationBuilder AddRecurringJob<TJob>(this WebApplicationBuilder builder, string id, Expression<Func<TJob, Task>> job, string cron)
    {
        if (builder.Services.Any(service => service.ImplementationInstance is RecurringJobDeclaration declared && declared.Id == id))
        {
            throw new InvalidOperationException($"A recurring job named \"{id}\" is already declared: give each one a name of its own.");
        }
        builder.Services.AddSingleton(new RecurringJobDeclaration(id, Job.FromExpression(job), cron));
        return builder;
    }

    /// <summary>
    /// Serves Hangfire's dashboard at <c>/jobs</c>, where an operator sees pending, failed and recurring jobs and retries
    /// a failed one. In an app with accounts (<c>AddHerokuAccounts</c>), to admins alone, in every environment: a visitor
    /// is sent to sign in, and a signed-in user who is not an admin gets 403. Without accounts, outside Development it
    /// asks for <c>JOBS_PASSWORD</c> (HTTP Basic authentication, any user name), and without one it is not served at
    /// all (404); in Development it is open without one.
    /// </summary>
    public static WebApplication MapHerokuJobsDashboard(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<HerokuPipelineOptions>>().Value.OperatorPolicy is { } policy)
        {
            // No filter of Hangfire's: the endpoint's authorization, with the app's sign-in, decides.
            app.MapHangfireDashboard(DashboardPath, Dashboard([])).RequireAuthorization(policy);
            return app;
        }
        var password = app.Services.GetRequiredService<JobsSettings>().DashboardPassword;
        if (password is null && !app.Environment.IsDevelopment())
        {
            return app;
        }
        // In place of Hangfire's default filter, which lets local requests alone in.
        app.MapHangfireDashboard(DashboardPath, Dashboard([new JobsDashboardPassword(password)]));
        return app;
    }

    private static DashboardOptions Dashboard(IEnumerable<IDashboardAuthorizationFilter> authorization) => new()
    {
        DashboardTitle = "Jobs",
        AppPath = "/",
        // The footer would name the database's host.
        DisplayStorageConnectionString = false,
        Authorization = authorization,
    };

    internal static PostgreSqlStorageOptions StorageOptions(JobsSettings settings) => new()
    {
        // migrate installs the tables (JobsSchema.cs), under the release phase's lock: never a dyno as it starts.
        PrepareSchemaIfNecessary = false,
        // A worker takes a job with FOR UPDATE SKIP LOCKED, and hides it from the others while it keeps renewing
        // its hold; a job held by a worker that died comes back after the timeout, not Hangfire's default 30 minutes.
        InvisibilityTimeout = settings.VisibilityTimeout,
        UseSlidingInvisibilityTimeout = true,
        // How long an idle worker waits before it looks for new jobs again.
        QueuePollInterval = TimeSpan.FromSeconds(5),
    };
}

/// <summary>A recurring job that the app declared with <see cref="JobsExtensions.AddRecurringJob"/>.</summary>
internal sealed record RecurringJobDeclaration(string Id, Job Job, string Cron);
