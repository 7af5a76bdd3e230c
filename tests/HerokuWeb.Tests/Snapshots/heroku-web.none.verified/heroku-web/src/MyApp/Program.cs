using Heroku.AspNetCore;
using MyApp;

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

builder.Services.AddRazorPages();

var app = builder.Build();

// The platform's middleware: the router's headers, HTTPS, static files, security headers, error pages
// (rendered by Pages/Error), cookie rules and rate limits; and /healthz and /readyz.
app.UseHeroku();

// Sign-in (ASP.NET Core Identity, an external login) goes here; static files are served before it.
app.UseAuthentication();
app.UseAuthorization();

app.MapRazorPages().WithStaticAssets();

// `MyApp check` (like Django's check --deploy), or serve.
return await app.RunHerokuAsync(args);
