using Microsoft.AspNetCore.DataProtection;
#if (UsePostgres)
using HerokuApp._1.Data;
#endif

namespace HerokuApp._1.KeyRing;

/// <summary>
/// The Data Protection key ring behind cookies and antiforgery tokens. A dyno's disk is wiped on every
/// restart and not shared between dynos, so the keys cannot live there.
/// </summary>
public static class KeyRingExtensions
{
    /// <summary>One name for every dyno and every release, so they all share one key ring.</summary>
    public const string ApplicationName = "HerokuApp.1";

    public static WebApplicationBuilder AddKeyRing(this WebApplicationBuilder builder, string secretKey)
    {
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
#if (UsePostgres)
        // So they live in PostgreSQL, each encrypted with SECRET_KEY (SecretKeyEncryption.cs).
        dataProtection.PersistKeysToDbContext<AppDbContext>().ProtectKeysWithSecretKey(secretKey);
#else
        // So none is stored: one key is derived from SECRET_KEY, the same on every dyno (DerivedKeyRing.cs).
        dataProtection.UseKeyDerivedFromSecretKey(secretKey);
#endif
        return builder;
    }
#if (UsePostgres)

    /// <summary>
    /// Makes the first key. Dynos that start together would each make a first key of their own and
    /// refuse each other's cookies, so the release phase makes it once, before any of them starts.
    /// </summary>
    public static void CreateFirstKey(this IServiceProvider services) =>
        services.GetDataProtector("release phase").Protect([]);
#endif
}
