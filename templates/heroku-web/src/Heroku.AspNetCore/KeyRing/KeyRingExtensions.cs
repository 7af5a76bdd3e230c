using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace Heroku.AspNetCore;

/// <summary>
/// The Data Protection key ring behind cookies and antiforgery tokens. A dyno's disk is wiped on every
/// restart and not shared between dynos, so the keys cannot live there.
/// </summary>
internal static class KeyRingExtensions
{
    public static WebApplicationBuilder AddKeyRing(this WebApplicationBuilder builder)
    {
        // One name for every dyno and every release (the app's assembly name), so they all share one key ring.
        builder.Services.AddDataProtection().SetApplicationName(builder.Environment.ApplicationName);

        // Unless keys are stored somewhere (a database), there is one, derived from SECRET_KEY: the same on
        // every dyno, with nothing stored (DerivedKeyRing.cs).
        builder.Services.AddOptions<KeyManagementOptions>().PostConfigure<HerokuSettings>((options, settings) =>
        {
            if (options.XmlRepository is null)
            {
                options.XmlRepository = new DerivedKeyRepository(settings.SecretKey);
                options.AutoGenerateKeys = false;
            }
        });

        return builder;
    }
}
