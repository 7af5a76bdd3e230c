using Heroku.AspNetCore;
using MimeKit;

namespace MyApp;

/// <summary>
/// Every environment variable the app reads, one declaration each: name, type, default, rule and what
/// to set. On Heroku these are config vars (<c>heroku config:set NAME=value</c>); in Development they may
/// also come from a <c>.env</c> file (see <c>.env.example</c>). A missing or malformed value stops the app
/// at start with a report naming each of them. Add yours at the end, with a parser from <see cref="Parse"/>.
/// </summary>
public sealed class AppSettings(SettingsReader env)
{
    /// <summary>What the platform reads: SECRET_KEY, DEBUG, HEROKU_APP_DEFAULT_DOMAIN_NAME, ALLOWED_HOSTS, PORT and FORM_POSTS_PER_MINUTE.</summary>
    public HerokuSettings Heroku { get; } = new(env);

    /// <summary>OpenTelemetry's OTEL_* variables, and the dyno metadata that names the app, release and dyno in what it exports.</summary>
    public TelemetrySettings Telemetry { get; } = new(env);

    /// <summary>DATABASE_URL and DATABASE_POOL_SIZE.</summary>
    public DatabaseSettings Database { get; } = new(env);

    /// <summary>EMAIL_URL, else the Mailgun add-on's MAILGUN_SMTP_* or SENDGRID_API_KEY; and DEFAULT_FROM_EMAIL.</summary>
    public EmailSettings Email { get; } = new(env);

    /// <summary>JOBS_PASSWORD and JOBS_VISIBILITY_TIMEOUT.</summary>
    public JobsSettings Jobs { get; } = new(env);

    /// <summary>The site's name, in every page's title and header.</summary>
    public string SiteName { get; } = env.Optional("SITE_NAME", "MyApp", text => text,
        help: "the name to show in page titles (default MyApp)");

    /// <summary>Where the app sends the messages visitors write on the contact page. Unset: nowhere.</summary>
    public MailboxAddress? ContactEmail { get; } = env.Optional<MailboxAddress?>("CONTACT_EMAIL", null, Parse.EmailAddress,
        help: "an email address, e.g. owner@example.com");
}
