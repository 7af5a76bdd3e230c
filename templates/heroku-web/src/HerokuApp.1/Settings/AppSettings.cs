using System.ComponentModel.DataAnnotations;
#if (UsePostgres)
using HerokuApp._1.Data;
#endif

namespace HerokuApp._1.Settings;

/// <summary>
/// Every environment variable the app reads, with its type, default and rules: the one place
/// to look. On Heroku these are config vars (<c>heroku config:set NAME=value</c>); in
/// Development they may also come from a <c>.env</c> file (see <c>.env.example</c>).
/// A missing or malformed value stops the app at start with a report naming each of them.
/// </summary>
public sealed class AppSettings
{
    /// <summary>
    /// Protects the keys behind cookies and antiforgery tokens (see Heroku/HerokuExtensions.cs).
    /// Changing it signs everyone out.
    /// </summary>
    [EnvironmentVariable("SECRET_KEY", Secret = true,
        Help = "a random string of at least 32 characters, e.g. from `openssl rand -base64 48`")]
    [StrongSecret(MinimumLength = 32)]
    public required string SecretKey { get; init; }

    /// <summary>Shows detailed error pages, like Django's DEBUG. Never turn it on in Production.</summary>
    [EnvironmentVariable("DEBUG", Help = "true or false (default false)")]
    public bool Debug { get; init; }

    /// <summary>Host names the app answers to; requests for any other host get 400.</summary>
    [EnvironmentVariable("ALLOWED_HOSTS",
        Help = "comma-separated host names, e.g. my-app.herokuapp.com,www.example.com (`*.example.com` matches subdomains)")]
    [HostNames]
    public required IReadOnlyList<string> AllowedHosts { get; init; }

    /// <summary>
    /// The port to listen on. Heroku sets it for every web dyno. Unset, the app listens where --urls,
    /// ASPNETCORE_URLS or Properties/launchSettings.json say.
    /// </summary>
    [EnvironmentVariable("PORT", Help = "a TCP port from 1 to 65535")]
    [Range(1, 65535)]
    public int? Port { get; init; }
#if (UsePostgres)

    /// <summary>The PostgreSQL database. Heroku Postgres sets it and may change it when it rotates credentials.</summary>
    [EnvironmentVariable("DATABASE_URL", Secret = true,
        Help = "a postgres:// URL, e.g. postgres://user:password@host:5432/database?sslmode=require")]
    public required DatabaseUrl DatabaseUrl { get; init; }

    /// <summary>
    /// The most connections one process opens. Entry Heroku Postgres plans allow about 20 in all,
    /// shared by every dyno and the release phase.
    /// </summary>
    [EnvironmentVariable("DATABASE_POOL_SIZE", Help = "a whole number from 1 to 100 (default 5)")]
    [Range(1, 100)]
    public int DatabasePoolSize { get; init; } = 5;
#endif
}
