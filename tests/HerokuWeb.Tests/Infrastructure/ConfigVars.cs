using System.Security.Cryptography;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>Config vars as `heroku config:set` would set them for a deployed app.</summary>
public static class ConfigVars
{
    /// <summary>A host name as visitors use it (HSTS is never sent to localhost).</summary>
    public const string PublicHost = "my-app.herokuapp.com";

    public static string NewSecretKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    /// <summary>
    /// <see cref="Production"/>'s vars for a scenario's app, with a new, empty database of its own when the
    /// app uses one. Call it once per app: each call makes another SECRET_KEY.
    /// </summary>
    public static async Task<Dictionary<string, string>> ProductionAsync(Scenario scenario, PostgresServer postgres, string purpose) =>
        Production(scenario.UsesDatabase ? await postgres.CreateDatabaseAsync(purpose) : null);

    /// <summary>What a deployed app is given; each call without <paramref name="secretKey"/> makes a new one.</summary>
    public static Dictionary<string, string> Production(string? databaseUrl = null, string? secretKey = null)
    {
        var vars = new Dictionary<string, string>
        {
            ["SECRET_KEY"] = secretKey ?? NewSecretKey(),
            ["ALLOWED_HOSTS"] = $"localhost,{PublicHost}",
        };
        if (databaseUrl is not null)
        {
            vars["DATABASE_URL"] = databaseUrl;
        }
        return vars;
    }
}
