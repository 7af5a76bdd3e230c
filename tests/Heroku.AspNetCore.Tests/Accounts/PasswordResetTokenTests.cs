using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Heroku.AspNetCore.Tests.Accounts;

public sealed class PasswordResetTokenTests
{
    [Fact]
    public async Task Password_reset_links_last_two_hours_and_confirmation_links_a_day()
    {
        await using var app = AccountsApps.Create(TestSettings.NoDatabaseUrl);
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();

        var reset = users.Options.Tokens.ProviderMap[users.Options.Tokens.PasswordResetTokenProvider].ProviderType;
        var confirmation = users.Options.Tokens.ProviderMap[users.Options.Tokens.EmailConfirmationTokenProvider].ProviderType;

        Assert.Equal(typeof(PasswordResetTokenProvider<IdentityUser>), reset);
        Assert.Equal(TimeSpan.FromHours(2), scope.ServiceProvider.GetRequiredService<IOptions<PasswordResetTokenProviderOptions>>().Value.TokenLifespan);
        Assert.Equal(typeof(DataProtectorTokenProvider<IdentityUser>), confirmation);
        Assert.Equal(TimeSpan.FromDays(1), scope.ServiceProvider.GetRequiredService<IOptions<DataProtectionTokenProviderOptions>>().Value.TokenLifespan);
    }
}
