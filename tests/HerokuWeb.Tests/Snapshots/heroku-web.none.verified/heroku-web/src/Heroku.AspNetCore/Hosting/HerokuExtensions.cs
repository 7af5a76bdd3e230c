using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Heroku.AspNetCore;

/// <summary>
/// The platform's three calls from the app's Program.cs: <see cref="AddHeroku"/> on the builder,
/// <see cref="UseHeroku"/> on the app, and <see cref="RunHerokuAsync"/> to end it.
/// </summary>
public static class HerokuExtensions
{
    /// <summary>Heroku sends SIGTERM, then SIGKILL 30 seconds later: finish in-flight requests before that.</summary>
    internal static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(25);

    /// <summary>
    /// Fits the app to Heroku's runtime: <c>$PORT</c>, the router in front of every dyno (forwarded headers,
    /// HTTPS, HSTS, allowed hosts), the shutdown window, one-line logs, security headers and cookie rules,
    /// rate-limited public forms, a key ring every dyno shares, error pages, health checks and the
    /// <c>check</c> command.
    /// </summary>
    public static WebApplicationBuilder AddHeroku(this WebApplicationBuilder builder, HerokuSettings settings)
    {
        builder.Services.AddSingleton(settings);

        // Heroku routes to $PORT on every interface, and PORT wins over any other address. Locally, PORT
        // listens on loopback only; without it, --urls, ASPNETCORE_URLS or launchSettings.json decide.
        if (settings.Port is int port)
        {
            var host = builder.Environment.IsDevelopment() ? "localhost" : "*";
            builder.WebHost.UseUrls($"http://{host}:{port}");
        }

        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        // On a dyno, stopping starts with a short drain of keep-alive connections (ShutdownDrain.cs).
        if (builder.Environment.IsProduction())
        {
            builder.Services.AddShutdownDrain();
        }

        // Heroku's log router timestamps each line and lists them one by one: one short line per entry. Stack
        // traces go below the entry in Development's terminal, and on its line with DEBUG=true elsewhere.
        builder.Logging.AddHerokuConsole(builder.Environment.IsDevelopment() ? StackTraces.Below
            : settings.Debug ? StackTraces.OnTheLine : StackTraces.None);

        // A request without a Host (HTTP/1.0) names no allowed host either, unless every host is allowed.
        builder.Services.Configure<HostFilteringOptions>(options =>
        {
            options.AllowedHosts = [.. settings.AllowedHosts];
            options.AllowEmptyHosts = settings.AllowedHosts.Contains("*");
        });
        // WebApplication filters hosts before any middleware of the app's, so its 400 would go out without the
        // security headers: UseHeroku filters them after the headers instead.
        foreach (var filter in builder.Services.Where(IsHostFilteringStartupFilter).ToList())
        {
            builder.Services.Remove(filter);
        }

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

        builder.AddSecurity(settings);
        builder.AddKeyRing();
        // In Development, saving a stylesheet or script rewrites its bundle at once, for dotnet watch to show.
        builder.AddBundleWatcher();

        // /healthz says the process is up; /readyz also runs every registered health check.
        builder.Services.AddHealthChecks();
        // Errors for clients that do not ask for HTML: RFC 9457 problem details (the app's Error page).
        builder.Services.AddProblemDetails();
        builder.Services.AddCommand<CheckCommand>();
        builder.Services.AddSingleton<IDeployCheck, ConfigurationCheck>();
        return builder;
    }

    /// <summary>
    /// The platform's part of the request pipeline, in its order: the router's forwarded headers, HTTPS and HSTS,
    /// routing, static files (served as soon as routing finds them), security headers, allowed hosts, a 405 for
    /// TRACE and CONNECT, error pages
    /// (<paramref name="errorPage"/> renders every error status), cookie rules and rate limits; and
    /// <c>/healthz</c> and <c>/readyz</c> (and, in Development, <c>/csp-report</c>). Sign-in and the app's
    /// endpoints come after it.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="errorPage">The page that renders every error status.</param>
    /// <param name="contentSecurityPolicy">
    /// Changes to the Content Security Policy, which allows the app's own files only: a directive added here
    /// replaces the platform's, nonce included, e.g.
    /// <c>csp => csp.AddScriptSrc().Self().WithNonce().From("https://cdn.example.com")</c>.
    /// </param>
    public static WebApplication UseHeroku(this WebApplication app, string errorPage = "/Error", Action<CspBuilder>? contentSecurityPolicy = null)
    {
        var settings = app.Services.GetRequiredService<HerokuSettings>();
        var pipeline = app.Services.GetRequiredService<IOptions<HerokuPipelineOptions>>().Value;

        // First, so that every entry logged while serving a request has the router's request id (RouterRequestId.cs).
        app.UseRouterRequestId();
        // Then, so everything after it sees the visitor's scheme and address rather than the router's.
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

        // Stylesheets, scripts and images are served here and skip the rest of the pipeline (StaticFiles.cs).
        app.UseRouting();
        app.MapStaticFiles();

        app.UseSecurityHeaders(settings, contentSecurityPolicy, pipeline.ContentSecurityPolicyByPath);
        // After the headers, so that a refused host's 400 has them (and HSTS). Static files skip it as they skip
        // the page headers (as whitenoise's skip Django's ALLOWED_HOSTS): they are public and link to no host.
        app.UseHostFiltering();
        app.UseRefusedMethods();
        app.UseErrorPages(settings, errorPage);
        foreach (var step in pipeline.InsideErrorPages)
        {
            step(app);
        }
        app.UseCookiePolicy();
        app.UseRateLimiter();

        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz");
        if (app.Environment.IsDevelopment())
        {
            // Where the browser reports what the Content Security Policy blocked, for the log.
            app.MapContentSecurityPolicyReports();
        }
        return app;
    }

    /// <summary>
    /// Runs the command that <paramref name="args"/> names (<c>check</c>, and those the app adds)
    /// and returns its exit code, or else serves until shutdown and returns 0. A port that another process
    /// holds is a common local mistake, not a bug: one line says which and what to do, and the exit code is 1.
    /// </summary>
    public static async Task<int> RunHerokuAsync(this WebApplication app, string[] args)
    {
        if (args is [var name, .. var options] && Commands.Find(app.Services, name) is { } command)
        {
            // The host does not start for a command, so its telemetry (when on) starts here, and is sent before it exits.
            using var telemetry = TelemetryExtensions.StartForCommand(app.Services);
            return await command.RunAsync(app, options);
        }
        // Read first: a host that failed to start has disposed of its services.
        var port = app.Services.GetRequiredService<HerokuSettings>().Port;
        // The addresses that --urls, ASPNETCORE_URLS or launchSettings.json give, which ASP.NET Core reads as "urls".
        var urls = app.Configuration[WebHostDefaults.ServerUrlsKey];
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception exception) when (IsAddressInUse(exception))
        {
            await Console.Error.WriteLineAsync(port is not null
                ? $"PORT {port} is already in use by another process: stop it, or set PORT to a free port."
                : $"{urls} is already in use by another process: stop it, or choose another address with --urls or PORT.");
            return 1;
        }
    }

    // Internal to ASP.NET Core, so known by name; a test fails if it is ever renamed.
    private static bool IsHostFilteringStartupFilter(ServiceDescriptor service) =>
        service.ServiceType == typeof(IStartupFilter) && service.ImplementationType?.FullName == "Microsoft.AspNetCore.HostFilteringStartupFilter";

    /// <summary>Whether <paramref name="exception"/> is Kestrel's report of an address another process holds.</summary>
    internal static bool IsAddressInUse(Exception exception) =>
        exception is IOException { InnerException: AddressInUseException };
}

/// <summary>Middleware that other parts of the platform place inside the error pages, so their statuses get the error page.</summary>
internal sealed class HerokuPipelineOptions
{
    public List<Action<WebApplication>> InsideErrorPages { get; } = [];

    /// <summary>Changes to the Content Security Policy under a path, made after the app's (e.g. the jobs dashboard's).</summary>
    public Dictionary<PathString, Action<CspBuilder>> ContentSecurityPolicyByPath { get; } = [];

    /// <summary>The authorization policy of operator pages (the jobs dashboard) when the app has accounts; null without them.</summary>
    public string? OperatorPolicy { get; set; }
}
