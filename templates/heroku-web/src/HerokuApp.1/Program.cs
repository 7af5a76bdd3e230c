#if (UsePostgres)
using HerokuApp._1.Data;
#endif
using HerokuApp._1.Heroku;
using HerokuApp._1.Pages;
using HerokuApp._1.Settings;

var builder = WebApplication.CreateBuilder(args);

// Every environment variable the app reads, typed and validated: Settings/AppSettings.cs.
// If any is missing or malformed, the app stops here with one report that names each of them.
if (!builder.TryAddAppSettings(out var settings))
{
    return SettingsExtensions.InvalidSettingsExitCode;
}

// Port, router, shutdown window and key ring for Heroku's dynos: Heroku/HerokuExtensions.cs.
builder.AddHeroku(settings);
#if (UsePostgres)

// PostgreSQL from DATABASE_URL through EF Core: Data/DatabaseExtensions.cs.
builder.AddDatabase(settings);
#endif

// /healthz says the process is up; /readyz also runs every registered health check.
builder.Services.AddHealthChecks();

builder.Services.AddRazorPages();

// Bind $PORT first; the key ring is read when a page first needs it: Heroku/KeyRingStartup.cs.
builder.Services.LoadKeyRingOnFirstUse();

var app = builder.Build();
#if (UsePostgres)

// `HerokuApp.1 migrate` applies migrations and exits; the Procfile's release phase runs it.
if (args is ["migrate"])
{
    return await app.MigrateDatabaseAsync();
}
#endif

app.UseHeroku();

// DEBUG=true shows detailed error pages, like Django's DEBUG; everyone else sees Pages/Error.
app.UseErrorPages(settings);

app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
app.MapHealthChecks("/readyz");

// Fingerprinted, precompressed files; the bundles are built with the app (<Bundle> items in the .csproj).
app.MapStaticAssets();
app.MapRazorPages().WithStaticAssets();

await app.RunAsync();
return 0;
