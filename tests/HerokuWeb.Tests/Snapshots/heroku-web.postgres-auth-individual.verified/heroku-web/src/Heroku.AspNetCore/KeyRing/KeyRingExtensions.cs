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

        // Data Protection reads the whole key ring as the host starts, before the server binds $PORT, which
        // Heroku's boot timeout waits for: with the keys in a database, that is a round trip and the whole of
        // EF Core's start-up in every dyno's boot. The key ring is read when a page first needs it instead:
        // the framework's preloader is left out as the container is built, after every registration
        // (AddRazorPages and others add it again when it is missing).
        builder.Host.ConfigureContainer<IServiceCollection>((_, services) =>
        {
            foreach (var preloader in services.Where(IsKeyRingPreloader).ToList())
            {
                services.Remove(preloader);
            }
        });
        return builder;
    }

    private static bool IsKeyRingPreloader(ServiceDescriptor service) =>
        service.ServiceType == typeof(IHostedService)
        && service.ImplementationType?.Assembly == typeof(KeyManagementOptions).Assembly;
}
