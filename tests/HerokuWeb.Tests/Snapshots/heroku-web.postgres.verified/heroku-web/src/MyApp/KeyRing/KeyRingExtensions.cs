using Microsoft.AspNetCore.DataProtection;
using MyApp.Data;

namespace MyApp.KeyRing;

/// <summary>
/// The Data Protection key ring behind cookies and antiforgery tokens. A dyno's disk is wiped on every
/// restart and not shared between dynos, so the keys cannot live there.
/// </summary>
public static class KeyRingExtensions
{
    /// <summary>One name for every dyno and every release, so they all share one key ring.</summary>
    public const string ApplicationName = "MyApp";

    public static WebApplicationBuilder AddKeyRing(this WebApplicationBuilder builder, string secretKey)
    {
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        // So they live in PostgreSQL, each encrypted with SECRET_KEY (SecretKeyEncryption.cs).
        dataProtection.PersistKeysToDbContext<AppDbContext>().ProtectKeysWithSecretKey(secretKey);
        return builder;
    }

    /// <summary>
    /// Makes the first key. Dynos that start together would each make a first key of their own and
    /// refuse each other's cookies, so the release phase makes it once, before any of them starts.
    /// </summary>
    public static void CreateFirstKey(this IServiceProvider services) =>
        services.GetDataProtector("release phase").Protect([]);
}
