using my_app.Data;
using my_app.Checks;
using my_app.Heroku;
using my_app.KeyRing;
using my_app.Pages;
using my_app.Security;
using my_app.Settings;

var builder = WebApplication.CreateBuilder(args);

// Every environment variable the app reads, typed and validated: Settings/AppSettings.cs.
// If any is missing or malformed, the app stops here with one report that names each of them.
if (!builder.TryAddAppSettings(out var settings))
{
    return SettingsExtensions.InvalidSettingsExitCode;
}

// Port, router and shutdown window for Heroku's dynos: Heroku/HerokuExtensions.cs.
builder.AddHeroku(settings);

// Security headers, HTTPS-only cookies and rate-limited public forms: Security/SecurityExtensions.cs.
builder.AddSecurity();

// PostgreSQL from DATABASE_URL through EF Core: Data/DatabaseExtensions.cs.
builder.AddDatabase(settings.DatabaseUrl.ConnectionString, settings.DatabasePoolSize);

// The keys behind cookies and antiforgery tokens, shared by every dyno: KeyRing/KeyRingExtensions.cs.
builder.AddKeyRing(settings.SecretKey);

// /healthz says the process is up; /readyz also runs every registered health check.
builder.Services.AddHealthChecks();

builder.Services.AddRazorPages();

// Errors for clients that do not ask for HTML: RFC 9457 problem details (Pages/Error.cshtml.cs).
builder.Services.AddProblemDetails();

// Last, so nothing registers it again: bind $PORT first and read the key ring when a page first needs it
// (KeyRing/KeyRingStartup.cs).
builder.Services.LoadKeyRingOnFirstUse();

var app = builder.Build();

// `my-app migrate` applies migrations, makes the key ring's first key and exits; the Procfile's
// release phase runs it.
if (args is ["migrate"])
{
    return await app.MigrateDatabaseAsync(thenOnce: KeyRingExtensions.CreateFirstKey);
}

// `my-app check` finds what would go wrong in production, like Django's `check --deploy`: Checks/DeployCheck.cs.
if (args is ["check", .. var options])
{
    return await app.CheckAsync(settings, options);
}

app.UseHeroku();

// Stylesheets, scripts and images are served here and skip the rest of the pipeline: Security/StaticFiles.cs.
app.UseRouting();

// CSP, X-Frame-Options and the other headers browsers enforce on pages: Security/SecurityExtensions.cs.
app.UseSecurityHeaders(settings);

// DEBUG=true shows detailed error pages, like Django's DEBUG; everyone else sees Pages/Error,
// which also renders every empty error status in the site's layout: Pages/ErrorPages.cs.
app.UseErrorPages(settings);

// A database that cannot be reached gets the 503 page, not a 500: Data/DatabaseUnavailable.cs.
app.UseDatabaseUnavailablePage(settings.DatabaseUrl);

// HTTPS-only cookies and rate-limited public forms.
app.UseSecurity();

// Sign-in (ASP.NET Core Identity, an external login) goes here; stylesheets, scripts and images are served before it.
app.UseAuthentication();
app.UseAuthorization();

app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
app.MapHealthChecks("/readyz");

// Fingerprinted, precompressed files; the bundles are built with the app (<Bundle> items in the .csproj).
app.MapStaticFiles();
app.MapRazorPages().WithStaticAssets();

return await app.RunWebAsync(settings);
