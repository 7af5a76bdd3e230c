using System.Security.Cryptography;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>Config vars as `heroku config:set` would set them for a deployed app.</summary>
public static class ConfigVars
{
    /// <summary>A host name as visitors use it (HSTS is never sent to localhost).</summary>
    public const string PublicHost = "my-app.herokuapp.com";

    public static string NewSecretKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

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
