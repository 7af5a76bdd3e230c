using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.Options;

namespace Heroku.AspNetCore;

/// <summary>
/// <c>App check</c>: what Django's <c>manage.py check --deploy</c> does, for this app. It runs from the
/// published app, so it needs no SDK: <c>heroku run "cd src/App/bin/publish &amp;&amp; ./App check"</c>.
/// Errors make the exit code 1; warnings are printed and leave it 0. Settings the app cannot start
/// with never get this far: the settings report comes first, with exit code 78.
/// </summary>
internal sealed class CheckCommand(IEnumerable<IDeployCheck> checks) : ICommand
{
    public const int ErrorsFoundExitCode = 1;

    public string Name => "check";

    public async Task<int> RunAsync(WebApplication app, IReadOnlyList<string> options)
    {
        var known = checks.SelectMany(check => check.Options).ToList();
        if (options.FirstOrDefault(option => !known.Contains(option)) is { } unknown)
        {
            await Console.Error.WriteLineAsync(
                $"check: unknown option {unknown}. Usage: check{string.Concat(known.Select(option => $" [{option}]"))}");
            return ExitCodes.Usage;
        }

        var findings = new List<Finding>();
        foreach (var check in checks)
        {
            findings.AddRange(await check.CheckAsync(app, options));
        }

        foreach (var finding in findings)
        {
            Console.WriteLine(finding);
        }
        var errors = findings.Count(finding => finding.Severity == Severity.Error);
        var warnings = findings.Count(finding => finding.Severity == Severity.Warning);
        Console.WriteLine(errors + warnings == 0
            ? $"check: no problems found ({app.Environment.EnvironmentName})."
            : $"check: {Count(errors, "error")}, {Count(warnings, "warning")} ({app.Environment.EnvironmentName}).");
        return errors > 0 ? ErrorsFoundExitCode : 0;
    }

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}

/// <summary>One part of <c>check</c>; each part of the platform that can be misconfigured registers one.</summary>
internal interface IDeployCheck
{
    /// <summary>The command-line options this part understands.</summary>
    IReadOnlyList<string> Options => [];

    Task<IEnumerable<Finding>> CheckAsync(WebApplication app, IReadOnlyList<string> options);
}

/// <summary>The settings and the options of HTTPS, HSTS, cookies and forms.</summary>
internal sealed partial class ConfigurationCheck(HerokuSettings settings) : IDeployCheck
{
    // Django's length for SECRET_KEY (django/core/checks/security/base.py); the settings already demand
    // 32 characters and more variety than Django's check does.
    private const int RecommendedSecretKeyLength = 50;

    public Task<IEnumerable<Finding>> CheckAsync(WebApplication app, IReadOnlyList<string> options) =>
        Task.FromResult(Check(app.Services, app.Environment));

    private IEnumerable<Finding> Check(IServiceProvider services, IHostEnvironment environment)
    {
        var deployed = !environment.IsDevelopment();

        if (deployed && settings.Debug)
        {
            yield return Finding.Error("DEBUG",
                $"is on in {environment.EnvironmentName}: every visitor who meets an error sees its stack trace and the request's cookies and headers. Set DEBUG=false.");
        }

        if (deployed && settings.AllowedHosts.Contains("*"))
        {
            yield return Finding.Warning("ALLOWED_HOSTS",
                "is *: the app answers to any Host header, so links it builds from the request can point anywhere. List your host names.");
        }

        var secret = settings.SecretKey;
        if (secret.Length < RecommendedSecretKeyLength)
        {
            yield return Finding.Warning("SECRET_KEY",
                $"has {secret.Length} characters; use at least {RecommendedSecretKeyLength} random ones, e.g. from `openssl rand -base64 48`.");
        }
        if (deployed && DevelopmentSecretKey().IsMatch(secret))
        {
            yield return Finding.Warning("SECRET_KEY",
                "has the shape of the development key `dotnet new` wrote to .env; a key that sat in a developer's file should not protect a deployed app.");
        }

        if (services.GetRequiredService<IOptions<HstsOptions>>().Value.MaxAge <= TimeSpan.Zero)
        {
            yield return Finding.Warning("HSTS",
                "has no max-age: browsers may still try plain HTTP first. Set one with AddHsts.");
        }

        if (services.GetRequiredService<IOptions<HttpsRedirectionOptions>>().Value.HttpsPort is null)
        {
            yield return Finding.Warning("HTTPS",
                "redirection has no HTTPS port: behind Heroku's router it silently redirects nothing. Set HttpsPort = 443.");
        }

        // The cookie policy marks every cookie Secure outside Development (where plain HTTP must work);
        // without it, the antiforgery cookie must be.
        var antiforgery = services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;
        if (deployed && antiforgery.Cookie.SecurePolicy != CookieSecurePolicy.Always
            && services.GetRequiredService<IOptions<CookiePolicyOptions>>().Value.Secure != CookieSecurePolicy.Always)
        {
            yield return Finding.Warning("ANTIFORGERY",
                "cookie is not always marked Secure, so a browser may also send it over plain HTTP. Set CookiePolicyOptions.Secure = CookieSecurePolicy.Always.");
        }
        if (antiforgery.SuppressXFrameOptionsHeader)
        {
            yield return Finding.Warning("X-FRAME-OPTIONS",
                "is not sent with forms, so another site can frame them and trick visitors into clicking (clickjacking).");
        }
    }

    /// <summary>The template's development key: two GUIDs without dashes, joined by one.</summary>
    [GeneratedRegex("^[0-9a-f]{32}-[0-9a-f]{32}$")]
    private static partial Regex DevelopmentSecretKey();
}

internal enum Severity
{
    Warning,
    Error,
}

/// <summary>One thing <c>check</c> found, named after the setting or feature it concerns.</summary>
internal sealed record Finding(Severity Severity, string Subject, string Message)
{
    public static Finding Error(string subject, string message) => new(Severity.Error, subject, message);

    public static Finding Warning(string subject, string message) => new(Severity.Warning, subject, message);

    public override string ToString() => $"{(Severity == Severity.Error ? "ERROR  " : "WARNING")} {Subject} {Message}";
}
