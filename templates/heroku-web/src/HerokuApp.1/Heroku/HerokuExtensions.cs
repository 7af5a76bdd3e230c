using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
#if (UsePostgres)
using HerokuApp._1.Data;
#endif
using HerokuApp._1.Settings;

namespace HerokuApp._1.Heroku;

/// <summary>
/// What makes the app fit Heroku's runtime: the port, the router in front of every dyno, the
/// shutdown window and a key ring that outlives the dyno's disk. An app that moves elsewhere
/// changes this folder and nothing else.
/// </summary>
public static class HerokuExtensions
{
    /// <summary>Heroku sends SIGTERM, then SIGKILL 30 seconds later: finish in-flight requests before that.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(25);

    /// <summary>One name for every dyno and every release, so they all share one key ring.</summary>
    public const string ApplicationName = "HerokuApp.1";

    public static WebApplicationBuilder AddHeroku(this WebApplicationBuilder builder, AppSettings settings)
    {
        // Heroku routes to $PORT on every interface; locally, listen on loopback only.
        var host = builder.Environment.IsDevelopment() ? "localhost" : "*";
        builder.WebHost.UseUrls($"http://{host}:{settings.Port}");

        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        // On a dyno, stopping starts with a short drain of keep-alive connections (ShutdownDrain.cs).
        if (builder.Environment.IsProduction())
        {
            builder.Services.AddShutdownDrain();
        }

        // Heroku's log router timestamps each line and lists them one by one: one short line per entry.
        builder.Logging.AddHerokuConsole(includeStackTraces: settings.Debug || builder.Environment.IsDevelopment());

        // A request without a Host (HTTP/1.0) names no allowed host either, unless every host is allowed.
        builder.Services.Configure<HostFilteringOptions>(options =>
        {
            options.AllowedHosts = [.. settings.AllowedHosts];
            options.AllowEmptyHosts = settings.AllowedHosts.Contains("*");
        });

        // The router terminates TLS and says so in X-Forwarded-Proto. Its addresses are neither fixed nor
        // published, so every proxy is trusted; that is safe because dynos are only reachable through it.
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
        });

        // Without a known HTTPS port, HTTPS redirection silently does nothing behind a proxy.
        builder.Services.AddHttpsRedirection(options =>
        {
            options.HttpsPort = 443;
            options.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
        });
        builder.Services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));

        // A dyno's disk is wiped on every restart and not shared between dynos, so the keys that
        // protect cookies and antiforgery tokens cannot live there.
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
#if (UsePostgres)
        // In PostgreSQL instead, each key encrypted with SECRET_KEY (SecretKeyEncryption.cs).
        dataProtection.PersistKeysToDbContext<AppDbContext>().ProtectKeysWithSecretKey(settings.SecretKey);
#else
        // Nowhere: one key derived from SECRET_KEY, the same on every dyno (DerivedKeyRing.cs).
        dataProtection.UseKeyDerivedFromSecretKey(settings.SecretKey);
#endif

        return builder;
    }

    public static WebApplication UseHeroku(this WebApplication app)
    {
        // First, so everything after it sees the visitor's scheme and address rather than the router's.
        app.UseForwardedHeaders();

        if (app.Environment.IsProduction())
        {
            app.UseShutdownDrain();
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        return app;
    }
}
