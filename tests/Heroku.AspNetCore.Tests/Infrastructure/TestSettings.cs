using Microsoft.Extensions.Configuration;

namespace Heroku.AspNetCore.Tests;

/// <summary>The platform's settings as an app reads them, from variables given here rather than the environment.</summary>
internal static class TestSettings
{
    public const string SecretKey = "test-only-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

    /// <summary>A database no server answers at (port 1 refuses at once): for apps that never open a connection.</summary>
    public const string NoDatabaseUrl = "postgres://tests@127.0.0.1:1/no-database?sslmode=disable";

    public static IConfiguration Configuration(IEnumerable<KeyValuePair<string, string?>> variables) =>
        new ConfigurationBuilder().AddInMemoryCollection(variables).Build();

    /// <summary>SECRET_KEY and ALLOWED_HOSTS (localhost, the TestServer's host), read as <see cref="HerokuSettings"/>.</summary>
    public static HerokuSettings Heroku(string secretKey = SecretKey, bool debug = false, string? formPostsPerMinute = null, string allowedHosts = "localhost") =>
        SettingsReader.Read(Configuration(new Dictionary<string, string?>
        {
            ["SECRET_KEY"] = secretKey,
            ["ALLOWED_HOSTS"] = allowedHosts,
            ["DEBUG"] = debug ? "true" : "false",
            ["FORM_POSTS_PER_MINUTE"] = formPostsPerMinute,
        }), env => new HerokuSettings(env));

    /// <summary>DATABASE_URL (and DATABASE_POOL_SIZE when given), read as <see cref="DatabaseSettings"/>.</summary>
    public static DatabaseSettings Database(string url, int? poolSize = null)
    {
        var variables = new Dictionary<string, string?> { ["DATABASE_URL"] = url };
        if (poolSize is int size)
        {
            variables["DATABASE_POOL_SIZE"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return SettingsReader.Read(Configuration(variables), env => new DatabaseSettings(env));
    }

    /// <summary>The email variables given (EMAIL_URL, MAILGUN_*, SENDGRID_API_KEY, DEFAULT_FROM_EMAIL), read as <see cref="EmailSettings"/>.</summary>
    public static EmailSettings Email(IEnumerable<KeyValuePair<string, string?>> variables) =>
        SettingsReader.Read(Configuration(variables), env => new EmailSettings(env));

    /// <summary>EMAIL_URL alone, read as <see cref="EmailSettings"/>.</summary>
    public static EmailSettings Email(string url) => Email(new Dictionary<string, string?> { ["EMAIL_URL"] = url });

    /// <summary>JOBS_PASSWORD and JOBS_VISIBILITY_TIMEOUT when given, read as <see cref="JobsSettings"/>.</summary>
    public static JobsSettings Jobs(string? password = null, string? visibilityTimeout = null) =>
        SettingsReader.Read(Configuration(new Dictionary<string, string?>
        {
            ["JOBS_PASSWORD"] = password,
            ["JOBS_VISIBILITY_TIMEOUT"] = visibilityTimeout,
        }), env => new JobsSettings(env));
}
