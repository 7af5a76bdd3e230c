using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Heroku.AspNetCore.Tests.KeyRing;

/// <summary>A dyno binds $PORT, which Heroku's boot timeout waits for, before anything reads the key ring.</summary>
public sealed class KeyRingStartupTests
{
    [Fact]
    public async Task No_hosted_service_reads_the_key_ring_before_the_port_is_bound_even_when_pages_are_added_after_the_platform()
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku());
        // Razor Pages, antiforgery and sign-in each add Data Protection's preloader again when it is missing.
        builder.Services.AddRazorPages();
        builder.Services.AddAntiforgery();
        await using var app = builder.Build();

        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(),
            service => service.GetType().Assembly == typeof(KeyManagementOptions).Assembly);
    }
}
