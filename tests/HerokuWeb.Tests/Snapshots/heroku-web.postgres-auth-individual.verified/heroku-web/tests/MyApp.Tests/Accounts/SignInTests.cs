using System.Net;
using MyApp.Accounts;
using MyApp.Tests.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static MyApp.Tests.Accounts.AccountsKit;

namespace MyApp.Tests.Accounts;

public sealed class SignInTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private HttpClient Client() => database.App.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

    [Fact]
    public async Task A_wrong_password_for_an_account_not_confirmed_yet_gets_the_answer_any_wrong_password_gets_and_counts()
    {
        var unconfirmed = await CreateUserAsync(database.App.Services, NewAddress("ada"), confirmed: false);
        var unknown = NewAddress("nobody");

        var forUnconfirmed = await SignInAsync(Client(), unconfirmed.Email!, "not the password");
        var forUnknown = await SignInAsync(Client(), unknown, "not the password");

        Assert.Equal(await ComparableAsync(forUnknown, unknown), await ComparableAsync(forUnconfirmed, unconfirmed.Email!));
        Assert.Equal(1, (await FindAsync(database.App.Services, unconfirmed.Id)).AccessFailedCount);
    }

    [Fact]
    public async Task The_right_password_for_an_account_not_confirmed_yet_is_told_to_confirm_it()
    {
        var unconfirmed = await CreateUserAsync(database.App.Services, NewAddress("ada"), confirmed: false);

        var response = await SignInAsync(Client(), unconfirmed.Email!, Password);

        Assert.Contains("Confirm your email first", await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task A_locked_account_answers_the_right_password_as_an_address_no_account_has_is_answered()
    {
        var user = await CreateUserAsync(database.App.Services, NewAddress("ada"));
        await using (var scope = database.App.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.SetLockoutEndDateAsync((await users.FindByIdAsync(user.Id))!, DateTimeOffset.UtcNow.AddMinutes(15));
        }
        var unknown = NewAddress("nobody");

        var locked = await SignInAsync(Client(), user.Email!, Password);
        var forUnknown = await SignInAsync(Client(), unknown, Password);

        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Equal(await ComparableAsync(forUnknown, unknown), await ComparableAsync(locked, user.Email!));
    }

    [Fact]
    public async Task An_address_no_account_has_has_its_password_checked_against_a_hash_as_a_known_one_does()
    {
        var hasher = new CountingPasswordHasher();
        await using var app = database.App.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<IPasswordHasher<AppUser>>(hasher)));
        var client = app.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

        var response = await SignInAsync(client, NewAddress("nobody"), "not the password");

        Assert.Contains("The email or the password is wrong", await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(1, hasher.Verifications);
    }

    [Fact]
    public async Task A_passkey_post_without_a_ceremony_under_way_shows_the_pages_error()
    {
        var response = await PostAsync(Client(), "/Account/Login?handler=Passkey", new()
        {
            ["credential"] = """{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{}}""",
        }, tokenFrom: "/Account/Login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("try again", await response.Content.ReadAsStringAsync(Cancellation));
    }

    private sealed class CountingPasswordHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new();
        private int _verifications;

        public int Verifications => _verifications;

        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
