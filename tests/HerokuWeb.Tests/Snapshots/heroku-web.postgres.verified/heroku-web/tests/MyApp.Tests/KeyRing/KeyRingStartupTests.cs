using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MyApp.Tests.KeyRing;

public sealed class KeyRingStartupTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public void The_key_ring_is_not_read_before_the_port_is_bound()
    {
        // Hosted services start before the server binds $PORT; the framework's one reads the key ring.
        var hostedServices = app.Services.GetServices<IHostedService>();

        Assert.DoesNotContain(hostedServices, service =>
            service.GetType().Namespace?.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) == true);
    }
}
