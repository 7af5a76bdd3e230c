namespace Heroku.AspNetCore;

/// <summary>
/// The environment variables the platform reads, declared once each like the rest of the app's settings:
/// name, type, default, rule and what to set. The app's settings type holds one of these beside its own.
/// </summary>
/// <param name="env">The reader of the app's settings type.</param>
public sealed class HerokuSettings(SettingsReader env)
{
    /// <summary>Protects the keys behind cookies and antiforgery tokens. Changing it signs everyone out.</summary>
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

    /// <summary>Posts one visitor may make to the public forms in a minute (<see cref="RateLimits.PublicForm"/>). Unset: 10, or 1,000 in Development.</summary>
    public int? FormPostsPerMinute { get; } = env.Optional<int?>("FORM_POSTS_PER_MINUTE", null, text => Parse.Integer(text, 1, 100_000),
        help: "a whole number from 1 to 100000 (default 10, and 1000 in Development)");
}
