namespace MyApp.KeyRing;

public static class KeyRingStartupExtensions
{
    // Registered by AddDataProtection(): it reads the whole key ring before the server binds its port.
    private const string KeyRingPreloader = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>
    /// Reads the Data Protection key ring when a page first protects or reads a cookie or form token,
    /// rather than before the app binds $PORT, which Heroku's boot timeout waits for.
    /// Call it last: AddRazorPages() and others register the preloader again if it is missing.
    /// </summary>
    public static IServiceCollection LoadKeyRingOnFirstUse(this IServiceCollection services)
    {
        var preloader = services.SingleOrDefault(descriptor => descriptor.ServiceType == typeof(IHostedService)
            && descriptor.ImplementationType?.FullName == KeyRingPreloader);
        if (preloader is not null)
        {
            services.Remove(preloader);
        }
        return services;
    }
}
