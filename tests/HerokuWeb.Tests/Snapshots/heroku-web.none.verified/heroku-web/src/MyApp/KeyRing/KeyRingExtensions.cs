using Microsoft.AspNetCore.DataProtection;

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
        // So none is stored: one key is derived from SECRET_KEY, the same on every dyno (DerivedKeyRing.cs).
        dataProtection.UseKeyDerivedFromSecretKey(secretKey);
        return builder;
    }
}
