using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Heroku.AspNetCore;

/// <summary>
/// What a browser is told to enforce (security headers), how cookies travel, and how hard the public
/// forms may be used (RateLimits.cs). The app's README ("Security") lists what is left to decide.
/// </summary>
internal static class SecurityExtensions
{
    public static WebApplicationBuilder AddSecurity(this WebApplicationBuilder builder, HerokuSettings settings)
    {
        // The server's name and version help only whoever looks for a known hole.
        builder.Services.Configure<KestrelServerOptions>(options => options.AddServerHeader = false);

        // Every cookie rides HTTPS only: always outside Development (Heroku serves every visitor over HTTPS),
        // and in Development whenever the request came over HTTPS. Each cookie keeps its own HttpOnly and
        // SameSite (the antiforgery cookie: HttpOnly, Strict; TempData's: HttpOnly, Lax); none may be looser than Lax.
        builder.Services.Configure<CookiePolicyOptions>(options =>
        {
            options.Secure = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            options.MinimumSameSitePolicy = SameSiteMode.Lax;
            options.HttpOnly = HttpOnlyPolicy.None;
        });

        return builder.AddPublicFormRateLimits(settings);
    }

    /// <summary>
    /// Security headers on every page, error page and health check, and on static files that browsers open as
    /// pages. Other static files get theirs in StaticFiles.cs.
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app, HerokuSettings settings, Action<CspBuilder>? contentSecurityPolicy,
        IReadOnlyDictionary<PathString, Action<CspBuilder>> contentSecurityPolicyByPath)
    {
        if (settings.Debug)
        {
            // The detailed error page (DEBUG=true) runs inline scripts and styles of its own. Callbacks run
            // last-registered first, so this one runs after the headers below are added.
            app.Use((context, next) =>
            {
                context.Response.OnStarting(() =>
                {
                    if (context.Response.StatusCode >= StatusCodes.Status500InternalServerError)
                    {
                        context.Response.Headers.ContentSecurityPolicy = default;
                    }
                    return Task.CompletedTask;
                });
                return next(context);
            });
        }

        // Under dotnet watch, the script it adds to every page connects to its browser-refresh server, on a port of
        // its own. Development only: nowhere else does the policy name another origin.
        var browserRefresh = app.Environment.IsDevelopment() ? DotnetWatch.BrowserRefreshOrigins(app.Configuration) : [];

        // The headers are written as the response starts, so an error page that replaces it gets them too.
        // In Development the browser reports what the policy blocks, and the log says how to fix it.
        var reportUri = app.Environment.IsDevelopment() ? ContentSecurityPolicyReports.Path : null;
        var policies = SecurityHeaders(contentSecurityPolicy, browserRefresh, reportUri);
        if (contentSecurityPolicyByPath.Count == 0)
        {
            app.UseSecurityHeaders(policies);
            return app;
        }
        // Under a path that changes the policy, that path's policy instead: the app's changes, then the path's.
        foreach (var (path, changes) in contentSecurityPolicyByPath)
        {
            var pathPolicies = SecurityHeaders(csp => { contentSecurityPolicy?.Invoke(csp); changes(csp); }, browserRefresh, reportUri);
            app.UseWhen(context => context.Request.Path.StartsWithSegments(path), branch => branch.UseSecurityHeaders(pathPolicies));
        }
        app.UseWhen(context => !contentSecurityPolicyByPath.Keys.Any(path => context.Request.Path.StartsWithSegments(path)),
            branch => branch.UseSecurityHeaders(policies));
        return app;
    }

    /// <summary>
    /// TRACE (and TRACK, its IIS twin) asks the server to echo the request back, cookies included; CONNECT asks
    /// for a tunnel. Neither is for an app, yet a Razor page renders itself for any method it has no handler for,
    /// and antiforgery lets TRACE through: all three get a 405, with the security headers. Other methods go on.
    /// </summary>
    public static WebApplication UseRefusedMethods(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var method = context.Request.Method;
            if (HttpMethods.IsTrace(method) || HttpMethods.IsConnect(method) || string.Equals(method, "TRACK", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                // The methods a page takes; an endpoint that takes fewer answers those with a 405 of its own.
                context.Response.Headers.Allow = "GET, HEAD, POST";
                return Task.CompletedTask;
            }
            return next(context);
        });
        return app;
    }

    /// <summary>
    /// The headers that score the top grade in Mozilla's HTTP Observatory. The policy allows this app's own
    /// files only, and the icon is a data: image. An inline script or style runs only with the request's nonce,
    /// which <c>asp-add-nonce</c> writes on its tag (NonceTagHelper.cs): no <c>'unsafe-inline'</c>. A script,
    /// style or font from another site (analytics, a CDN) needs its origin in the matching directive, which the
    /// app gives through <c>UseHeroku(contentSecurityPolicy: ...)</c>.
    /// Strict-Transport-Security comes from UseHsts (Hosting/HerokuExtensions.cs).
    /// </summary>
    /// <param name="contentSecurityPolicy">The app's changes to the policy.</param>
    /// <param name="browserRefresh">The origins of dotnet watch's browser-refresh server, in Development.</param>
    /// <param name="reportUri">Where browsers report what the policy blocks (Development only), or null.</param>
    internal static HeaderPolicyCollection SecurityHeaders(Action<CspBuilder>? contentSecurityPolicy, IReadOnlyList<string> browserRefresh, string? reportUri = null) => new HeaderPolicyCollection()
        .AddContentSecurityPolicy(csp =>
        {
            csp.AddDefaultSrc().None();
            // A new nonce for every response (32 random bytes); a tag carries it with asp-add-nonce.
            csp.AddScriptSrc().Self().WithNonce();
            csp.AddStyleSrc().Self().WithNonce();
            csp.AddImgSrc().Self().Data();
            csp.AddFontSrc().Self();
            csp.AddConnectSrc().Self().From(browserRefresh);
            csp.AddManifestSrc().Self();
            csp.AddFormAction().Self();
            csp.AddBaseUri().None();
            csp.AddFrameAncestors().None();
            if (reportUri is not null)
            {
                csp.AddReportUri().To(reportUri);
            }
            // The app's changes: a directive it adds replaces the one above, nonce included, e.g. script-src
            // 'self', the nonce and a CDN.
            contentSecurityPolicy?.Invoke(csp);
        })
        .AddFrameOptionsDeny()
        .AddContentTypeOptionsNoSniff()
        .AddReferrerPolicyStrictOriginWhenCrossOrigin()
        // The powerful features a page could ask the visitor for, none of which this app uses. Only features that
        // browsers know: an unknown one is a console warning on every page.
        .AddPermissionsPolicy(permissions =>
        {
            permissions.AddAccelerometer().None();
            permissions.AddCamera().None();
            permissions.AddGeolocation().None();
            permissions.AddGyroscope().None();
            permissions.AddMagnetometer().None();
            permissions.AddMicrophone().None();
            permissions.AddPayment().None();
            permissions.AddUsb().None();
        })
        .AddCrossOriginOpenerPolicy(policy => policy.SameOrigin());
}
