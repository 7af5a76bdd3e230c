using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using My_Shop.Settings;

namespace My_Shop.Heroku;

/// <summary>
/// What makes the app fit Heroku's runtime: the port, the router in front of every dyno and the
/// shutdown window. An app that moves elsewhere changes this folder (and KeyRing/, where keys are stored).
/// </summary>
public static class HerokuExtensions
{
    /// <summary>Heroku sends SIGTERM, then SIGKILL 30 seconds later: finish in-flight requests before that.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(25);

    public static WebApplicationBuilder AddHeroku(this WebApplicationBuilder builder, AppSettings settings)
    {
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

    /// <summary>
    /// Serves until shutdown and returns the exit code. A port that another process holds is a common
    /// local mistake, not a bug: one line says which port and what to do, with no stack trace.
    /// </summary>
    public static async Task<int> RunWebAsync(this WebApplication app, AppSettings settings)
    {
        // Checked before the host starts, which would log the failure with a stack trace.
        if (BusyAddress(app, settings) is { } busy)
        {
            await Console.Error.WriteLineAsync($"{busy} is already in use by another process: stop it, or set PORT to a free port.");
            return 1;
        }
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (IOException exception) when (exception.InnerException is AddressInUseException)
        {
            await Console.Error.WriteLineAsync($"{exception.Message} Stop the other process, or choose another address with --urls or PORT.");
            return 1;
        }
    }

    // PORT, or else the addresses that --urls, ASPNETCORE_URLS or launchSettings.json give (all read as "urls").
    private static string? BusyAddress(WebApplication app, AppSettings settings)
    {
        if (settings.Port is int port)
        {
            return IsInUse(port, loopbackOnly: app.Environment.IsDevelopment()) ? $"PORT {port}" : null;
        }
        var urls = app.Configuration[WebHostDefaults.ServerUrlsKey]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in urls ?? [])
        {
            // Left to Kestrel: what it cannot parse, and port 0 (any free port).
            if (Uri.TryCreate(url.Replace("*", "0.0.0.0").Replace("+", "0.0.0.0"), UriKind.Absolute, out var address) && address.Port > 0
                && IsInUse(address.Port, loopbackOnly: address.IsLoopback))
            {
                return url;
            }
        }
        return null;
    }

    private static bool IsInUse(int port, bool loopbackOnly)
    {
        var listener = new TcpListener(loopbackOnly ? IPAddress.Loopback : IPAddress.IPv6Any, port);
        if (!loopbackOnly)
        {
            listener.Server.DualMode = true;
        }
        try
        {
            listener.Start();
            return false;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        finally
        {
            listener.Stop();
        }
    }
}
