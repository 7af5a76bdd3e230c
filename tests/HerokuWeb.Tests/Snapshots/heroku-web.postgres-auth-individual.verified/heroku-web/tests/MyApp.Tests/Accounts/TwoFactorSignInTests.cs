using System.Net;
using MyApp.Accounts;
using MyApp.Tests.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using static MyApp.Tests.Accounts.AccountsKit;

namespace MyApp.Tests.Accounts;

public sealed class TwoFactorSignInTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    /// <summary>A client halfway through signing in an account with two-factor on, and one of the account's recovery codes.</summary>
    private async Task<(HttpClient Client, AppUser User, string RecoveryCode)> HalfwayAsync()
    {
        var user = await CreateUserAsync(database.App.Services, NewAddress("ada"));
        string recoveryCode;
        await using (var scope = database.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var stored = (await users.FindByIdAsync(user.Id))!;
            await users.ResetAuthenticatorKeyAsync(stored);
            await users.SetTwoFactorEnabledAsync(stored, true);
            recoveryCode = (await users.GenerateNewTwoFactorRecoveryCodesAsync(stored, 1))!.Single();
        }
        var client = database.App.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        var signIn = await SignInAsync(client, user.Email!, Password);
        Assert.StartsWith("/Account/LoginWith2fa", signIn.Headers.Location?.OriginalString, StringComparison.Ordinal);
        return (client, user, recoveryCode);
    }

    private static Task<HttpResponseMessage> RecoverAsync(HttpClient client, string code) =>
        PostAsync(client, "/Account/LoginWith2fa?handler=Recovery", new() { ["recoveryCode"] = code }, tokenFrom: "/Account/LoginWith2fa");

    [Fact]
    public async Task A_locked_account_is_refused_even_a_right_recovery_code()
    {
        var (client, user, recoveryCode) = await HalfwayAsync();
        await using (var scope = database.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(user.Id))!, DateTimeOffset.UtcNow.AddMinutes(15));
        }

        var response = await RecoverAsync(client, recoveryCode);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("this account is locked", await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task A_wrong_recovery_code_counts_towards_the_lockout()
    {
        var (client, user, _) = await HalfwayAsync();

        var response = await RecoverAsync(client, "not-a-code");

        Assert.Contains("That recovery code is wrong", await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(1, (await FindAsync(database.App.Services, user.Id)).AccessFailedCount);
    }
}
