using Heroku.AspNetCore;
using my_app;
using my_app.Data;
using my_app.Guestbook;

var builder = WebApplication.CreateBuilder(args);

// Every environment variable the app reads, typed and checked: AppSettings.cs. If any is missing or
// malformed, the app stops here with one report that names each of them.
if (!builder.TryReadSettings(env => new AppSettings(env), out var settings))
{
    return ExitCodes.InvalidSettings;
}

// Heroku's port, router, HTTPS, shutdown and logs, security headers, the key ring every dyno shares, error
// pages and health checks: the platform project, src/Heroku.AspNetCore (its README says what each does).
builder.AddHeroku(settings.Heroku);

// Traces, metrics and logs over OTLP once OTEL_EXPORTER_OTLP_ENDPOINT is set (Heroku's telemetry drains on Fir, an
// observability add-on on Cedar); unset, nothing is collected.
builder.AddHerokuTelemetry(settings.Telemetry);

// PostgreSQL from DATABASE_URL through EF Core (Data/AppDbContext.cs), with the key ring stored in it
// and the `migrate` command that the Procfile's release phase runs.
builder.AddHerokuPostgres<AppDbContext>(settings.Database);

// Email through EMAIL_URL (or the Mailgun or SendGrid add-on), sent with IEmailSender; in Development without
// it, each message is written to the log.
builder.AddHerokuEmail(settings.Email);

// Background jobs, kept in PostgreSQL and run by the Procfile's worker process; the web process only enqueues
// them (Pages/Contact.cshtml.cs). Recurring ones are declared here, on a cron schedule in UTC.
builder.AddHerokuJobs(settings.Jobs);
builder.AddRecurringJob<GuestbookCleanup>("guestbook-cleanup", cleanup => cleanup.DeleteOldEntriesAsync(CancellationToken.None), "30 3 * * *");

builder.Services.AddRazorPages();

var app = builder.Build();

// The platform's middleware: the router's headers, HTTPS, static files, security headers, error pages
// (rendered by Pages/Error), cookie rules and rate limits; and /healthz and /readyz.
app.UseHeroku();

// Sign-in (ASP.NET Core Identity, an external login) goes here; static files are served before it.
app.UseAuthentication();
app.UseAuthorization();

app.MapRazorPages().WithStaticAssets();

// The jobs dashboard at /jobs: pending, failed and recurring jobs, behind JOBS_PASSWORD outside Development.
app.MapHerokuJobsDashboard();

// `my-app migrate` (the release phase), `my-app worker` (the worker process), `my-app check`
// (like Django's check --deploy), or serve.
return await app.RunHerokuAsync(args);
