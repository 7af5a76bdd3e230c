using Npgsql;

namespace MyApp.Settings;

/// <summary>
/// Every environment variable the app reads, one declaration each: name, type, default, rule and
/// what to set. On Heroku these are config vars (<c>heroku config:set NAME=value</c>); in
/// Development they may also come from a <c>.env</c> file (see <c>.env.example</c>).
/// A missing or malformed value stops the app at start with a report naming each of them.
/// </summary>
public sealed class AppSettings(SettingsReader env)
{
    /// <summary>Protects the keys behind cookies and antiforgery tokens (KeyRing/). Changing it signs everyone out.</summary>
    public string SecretKey { get; } = env.Required("SECRET_KEY", Parse.StrongSecret, secret: true,
        help: "a random string of at least 32 characters, e.g. from `openssl rand -base64 48`");

    /// <summary>Shows detailed error pages, like Django's DEBUG. Never turn it on in Production.</summary>
    public bool Debug { get; } = env.Optional("DEBUG", false, Parse.Boolean,
        help: "true or false (default false)");

    /// <summary>The app's herokuapp.com host, from Heroku's dyno metadata (<c>heroku labs:enable runtime-dyno-metadata</c>).</summary>
    public string? HerokuAppDefaultDomainName { get; } = env.Optional<string?>("HEROKU_APP_DEFAULT_DOMAIN_NAME", null, Parse.HostName,
        help: "a host name; Heroku sets it once `heroku labs:enable runtime-dyno-metadata` is on");

    /// <summary>Host names the app answers to; requests for any other host get 400. Unset: the herokuapp.com host alone.</summary>
    public IReadOnlyList<string> AllowedHosts { get; } = env.Required("ALLOWED_HOSTS", Parse.HostNames, orElse: "HEROKU_APP_DEFAULT_DOMAIN_NAME",
        help: "host names separated by commas or as a JSON array, e.g. my-app.herokuapp.com,www.example.com "
            + "(`*.example.com` matches subdomains); on Heroku it may stay unset after `heroku labs:enable runtime-dyno-metadata`");

    /// <summary>The port to listen on; Heroku sets it for every web dyno. Unset: ASPNETCORE_URLS, --urls or launchSettings.json decide.</summary>
    public int? Port { get; } = env.Optional<int?>("PORT", null, text => Parse.Integer(text, 1, 65535),
        help: "a TCP port from 1 to 65535");

    /// <summary>The PostgreSQL database. Heroku Postgres sets it and may change it when it rotates credentials.</summary>
    public NpgsqlConnectionStringBuilder DatabaseUrl { get; } = env.Required("DATABASE_URL", Settings.DatabaseUrl.Parse, secret: true,
        help: "a postgres:// URL, e.g. postgres://user:password@host:5432/database?sslmode=require");

    /// <summary>The most connections one process opens. Entry Heroku Postgres plans allow about 20 in all, shared by every dyno.</summary>
    public int DatabasePoolSize { get; } = env.Optional("DATABASE_POOL_SIZE", 5, text => Parse.Integer(text, 1, 100),
        help: "a whole number from 1 to 100 (default 5)");

    /// <summary>Reads every variable and throws one <see cref="InvalidSettingsException"/> naming each bad one.</summary>
    public static AppSettings Read(IConfiguration configuration)
    {
        var reader = new SettingsReader(configuration);
        var settings = new AppSettings(reader);
        reader.ThrowIfInvalid();
        return settings;
    }
}
