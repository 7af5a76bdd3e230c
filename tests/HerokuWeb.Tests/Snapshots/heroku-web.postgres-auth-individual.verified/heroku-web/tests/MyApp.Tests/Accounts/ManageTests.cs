using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hangfire;
using Hangfire.States;
using Heroku.AspNetCore;
using MyApp.Accounts;
using MyApp.Tests.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace MyApp.Tests.Accounts;

/// <summary>
/// The Manage pages: a change that could hand the account to someone else asks for the password again, a wrong one
/// counts towards the lockout, and the account's own address is told of each change.
/// </summary>
public sealed class ManageTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Password = "correct horse battery";
    private const string WrongPassword = "That is not your password: nothing changed.";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<AppUser> AddUserAsync(Func<UserManager<AppUser>, AppUser, Task>? prepare = null)
    {
        await using var scope = database.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        if (prepare is not null)
        {
            await prepare(users, user);
        }
        return user;
    }

    private async Task<AppUser> ReadUserAsync(string id)
    {
        await using var scope = database.App.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByIdAsync(id))!;
    }

    private async Task<HttpClient> SignedInAsync(AppUser user)
    {
        var client = database.App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        var signedIn = await PostAsync(client, "/Account/Login", "/Account/Login", new() { ["Input.Email"] = user.Email!, ["Input.Password"] = Password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    // Straight into the database, so that the session stays signed in (SetTwoFactorEnabledAsync renews the stamp) and
    // needs no code from an authenticator.
    private async Task TurnOnTwoFactorAsync(AppUser user)
    {
        await using var scope = database.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;
        stored.TwoFactorEnabled = true;
        Assert.True((await users.UpdateAsync(stored)).Succeeded);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string page, string action, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = Forms.AntiforgeryToken(await client.GetStringAsync(page, Cancellation));
        return await client.PostAsync(action, new FormUrlEncodedContent(fields), Cancellation);
    }

    private List<Hangfire.Common.Job> Enqueued(string methodName) =>
        [.. database.App.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 10_000)
            .Select(job => job.Value.Job).Where(job => job.Method.Name == methodName)];

    private List<string> NoticesTo(AppUser user) =>
        [.. Enqueued(nameof(AccountMailer.SendSecurityNoticeAsync)).Where(job => Equals(job.Args[0], user.Id)).Select(job => (string)job.Args[1])];

    public static TheoryData<string, string, bool> SensitiveForms => new()
    {
        // page, handler, whether the account has two-factor sign-in on
        { "/Account/Manage", "Email", false },
        { "/Account/Manage", "Download", false },
        { "/Account/Manage/Passkeys", "Add", false },
        { "/Account/Manage/Passkeys", "Remove", false },
        { "/Account/Manage/TwoFactor", "Disable", true },
        { "/Account/Manage/TwoFactor", "RecoveryCodes", true },
    };

    [Theory]
    [MemberData(nameof(SensitiveForms))]
    public async Task A_sensitive_change_with_a_wrong_password_is_refused_and_counts_towards_the_lockout(string page, string handler, bool twoFactor)
    {
        // A passkey, for the form that removes one.
        var user = await AddUserAsync((users, user) => users.AddOrUpdatePasskeyAsync(user,
            new UserPasskeyInfo(Guid.NewGuid().ToByteArray(), [1, 2, 3], DateTimeOffset.UtcNow, 0, null, true, false, false, [0], [0]) { Name = "Laptop" }));
        using var client = await SignedInAsync(user);
        if (twoFactor)
        {
            await TurnOnTwoFactorAsync(user);
        }
        var stampBefore = (await ReadUserAsync(user.Id)).SecurityStamp;

        var response = await PostAsync(client, page, $"{page}?handler={handler}", new()
        {
            ["NewEmail"] = $"new-{Guid.NewGuid():N}@example.com",
            ["id"] = "AAAA",
            ["credential"] = "{}",
            ["currentPassword"] = "not my password",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(WrongPassword, await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        var after = await ReadUserAsync(user.Id);
        Assert.Equal(1, after.AccessFailedCount);
        Assert.Equal(stampBefore, after.SecurityStamp);
        Assert.Equal(twoFactor, after.TwoFactorEnabled);
        Assert.Empty(NoticesTo(user));
    }

    [Fact]
    public async Task A_wrong_current_password_on_the_password_form_counts_towards_the_lockout()
    {
        var user = await AddUserAsync();
        using var client = await SignedInAsync(user);

        await PostAsync(client, "/Account/Manage", "/Account/Manage?handler=Password",
            new() { ["Password.Current"] = "not my password", ["Password.New"] = "a brand new passphrase" });

        Assert.Equal(1, (await ReadUserAsync(user.Id)).AccessFailedCount);
    }

    [Fact]
    public async Task Five_wrong_passwords_on_the_manage_pages_lock_the_account_and_the_right_one_then_changes_nothing()
    {
        var user = await AddUserAsync();
        using var client = await SignedInAsync(user);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await PostAsync(client, "/Account/Manage", "/Account/Manage?handler=Download", new() { ["currentPassword"] = "not my password" });
        }

        var download = await PostAsync(client, "/Account/Manage", "/Account/Manage?handler=Download", new() { ["currentPassword"] = Password });

        Assert.Equal("text/html", download.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many wrong passwords", await download.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_change_tells_the_accounts_address()
    {
        var user = await AddUserAsync();
        using var client = await SignedInAsync(user);

        var changed = await PostAsync(client, "/Account/Manage", "/Account/Manage?handler=Password",
            new() { ["Password.Current"] = Password, ["Password.New"] = "a brand new passphrase" });

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(["Your password was changed"], NoticesTo(user));
    }

    [Fact]
    public async Task An_email_change_asked_with_the_password_sends_the_link_and_tells_the_current_address()
    {
        var user = await AddUserAsync();
        using var client = await SignedInAsync(user);
        var newEmail = $"new-{Guid.NewGuid():N}@example.com";

        var asked = await PostAsync(client, "/Account/Manage", "/Account/Manage?handler=Email", new() { ["NewEmail"] = newEmail, ["currentPassword"] = Password });

        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.Single(Enqueued(nameof(AccountMailer.SendEmailChangeAsync)), job => Equals(job.Args[1], newEmail));
        var notice = Assert.Single(NoticesTo(user));
        Assert.Contains(newEmail, notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_gets_one_change_of_email_link_in_a_few_minutes_whichever_accounts_ask()
    {
        var target = $"target-{Guid.NewGuid():N}@example.com";
        using var ada = await SignedInAsync(await AddUserAsync());
        using var mallory = await SignedInAsync(await AddUserAsync());

        foreach (var (client, address) in new[] { (ada, target), (ada, target), (mallory, target.ToUpperInvariant()) })
        {
            var asked = await PostAsync(client, "/Account/Manage", "/Account/Manage?handler=Email", new() { ["NewEmail"] = address, ["currentPassword"] = Password });
            Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        }

        Assert.Single(Enqueued(nameof(AccountMailer.SendEmailChangeAsync)), job => string.Equals((string)job.Args[1], target, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Removing_a_passkey_with_the_password_tells_the_accounts_address()
    {
        var credentialId = Guid.NewGuid().ToByteArray();
        var user = await AddUserAsync((users, user) => users.AddOrUpdatePasskeyAsync(user,
            new UserPasskeyInfo(credentialId, [1, 2, 3], DateTimeOffset.UtcNow, 0, null, true, false, false, [0], [0]) { Name = "Laptop" }));
        using var client = await SignedInAsync(user);

        var removed = await PostAsync(client, "/Account/Manage/Passkeys", "/Account/Manage/Passkeys?handler=Remove",
            new() { ["id"] = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(credentialId), ["currentPassword"] = Password });

        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(["A passkey was removed"], NoticesTo(user));
    }

    [Fact]
    public async Task Turning_two_factor_sign_in_off_with_the_password_tells_the_accounts_address()
    {
        var user = await AddUserAsync();
        using var client = await SignedInAsync(user);
        await TurnOnTwoFactorAsync(user);

        var off = await PostAsync(client, "/Account/Manage/TwoFactor", "/Account/Manage/TwoFactor?handler=Disable", new() { ["currentPassword"] = Password });

        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        Assert.False((await ReadUserAsync(user.Id)).TwoFactorEnabled);
        Assert.Equal(["Two-factor sign-in was turned off"], NoticesTo(user));
    }

    [Fact]
    public async Task Turning_two_factor_sign_in_on_makes_the_key_by_a_post_and_tells_the_accounts_address()
    {
        var user = await AddUserAsync();
        using var client = await SignedInAsync(user);

        await PostAsync(client, "/Account/Manage/TwoFactor", "/Account/Manage/TwoFactor?handler=Key", new());
        var key = Regex.Match(await client.GetStringAsync("/Account/Manage/TwoFactor", Cancellation), """id="authenticator-key">(?<key>[a-z0-9 ]+)</code>""").Groups["key"].Value;
        var on = await PostAsync(client, "/Account/Manage/TwoFactor", "/Account/Manage/TwoFactor?handler=Enable", new() { ["code"] = Totp(key) });

        Assert.Contains("Two-factor sign-in is on.", await on.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        Assert.Equal(["Two-factor sign-in was turned on"], NoticesTo(user));
    }

    [Fact]
    public async Task The_notice_goes_to_the_address_the_account_has_when_it_is_sent()
    {
        var user = await AddUserAsync();
        var sent = new List<MimeMessage>();
        await using var scope = database.App.Services.CreateAsyncScope();
        var mailer = new AccountMailer(scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>(), new CapturingEmailSender(sent), NullLogger<AccountMailer>.Instance);

        await mailer.SendSecurityNoticeAsync(user.Id, "Your password was changed", "https://app.example.com", Cancellation);

        var message = Assert.Single(sent);
        Assert.Equal(user.Email, Assert.Single(message.To.Mailboxes).Address);
        Assert.StartsWith("Your password was changed, on your account at https://app.example.com.", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Visiting_the_two_factor_page_leaves_the_account_as_it_was()
    {
        var user = await AddUserAsync();
        using var client = await SignedInAsync(user);
        var before = await ReadUserAsync(user.Id);

        var page = await client.GetStringAsync("/Account/Manage/TwoFactor", Cancellation);

        var after = await ReadUserAsync(user.Id);
        Assert.Equal(before.SecurityStamp, after.SecurityStamp);
        Assert.Contains("Make a key", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_passkey_post_with_no_ceremony_waiting_shows_the_pages_error_not_a_500()
    {
        var user = await AddUserAsync();
        using var client = await SignedInAsync(user);

        var response = await PostAsync(client, "/Account/Manage/Passkeys", "/Account/Manage/Passkeys?handler=Add",
            new() { ["credential"] = """{"id":"AAAA","type":"public-key"}""", ["name"] = "Laptop", ["currentPassword"] = Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The passkey was not added: it took too long, or another page started one.", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manage_posts_are_limited_per_account_not_per_address()
    {
        using var ada = await SignedInAsync(await AddUserAsync());
        using var linus = await SignedInAsync(await AddUserAsync());
        var statuses = new List<HttpStatusCode>();

        // Without an antiforgery token each post is refused (400) after the limiter has counted it.
        for (var post = 0; post < RateLimitsPerMinute + 1; post++)
        {
            statuses.Add((await ada.PostAsync("/Account/Manage?handler=Download", null, Cancellation)).StatusCode);
        }
        var other = await linus.PostAsync("/Account/Manage?handler=Download", null, Cancellation);

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(RateLimitsPerMinute));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    private const int RateLimitsPerMinute = 30;

    [Fact]
    public async Task The_personal_data_holds_roles_sign_in_failures_and_passkey_names()
    {
        var user = await AddUserAsync(async (users, user) =>
        {
            await users.AccessFailedAsync(user);
            await users.AddOrUpdatePasskeyAsync(user,
                new UserPasskeyInfo(Guid.NewGuid().ToByteArray(), [1, 2, 3], DateTimeOffset.UtcNow, 0, null, true, false, false, [0], [0]) { Name = "Laptop" });
        });
        using var client = await SignedInAsync(user);

        var download = await PostAsync(client, "/Account/Manage", "/Account/Manage?handler=Download", new() { ["currentPassword"] = Password });

        using var data = JsonDocument.Parse(await download.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(JsonValueKind.Array, data.RootElement.GetProperty("Roles").ValueKind);
        // One failure before the right password; the right one clears the count, and the file says what is kept now.
        Assert.True(data.RootElement.GetProperty("SignIn").TryGetProperty("FailedSignIns", out _));
        Assert.True(data.RootElement.GetProperty("SignIn").TryGetProperty("LockoutEnd", out _));
        Assert.Equal("Laptop", Assert.Single(data.RootElement.GetProperty("Passkeys").EnumerateArray()).GetProperty("Name").GetString());
    }

    [Fact]
    public async Task Deleting_the_account_deletes_the_failed_jobs_that_hold_its_address()
    {
        var user = await AddUserAsync();
        var jobs = database.App.Services.GetRequiredService<IBackgroundJobClient>();
        var failed = jobs.Enqueue<AccountMailer>(mailer => mailer.SendPasswordResetAsync(user.Email!, "https://app.example.com", CancellationToken.None));
        jobs.ChangeState(failed, new FailedState(new EmailNotSentException("The mail server refused it.")));
        using var client = await SignedInAsync(user);

        var deleted = await PostAsync(client, "/Account/Manage", "/Account/Manage?handler=Delete", new() { ["deletePassword"] = Password });

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        using var connection = database.App.Services.GetRequiredService<JobStorage>().GetConnection();
        Assert.Equal(DeletedState.StateName, connection.GetJobData(failed)?.State);
    }

    // The code an authenticator app shows now for the base32 key (RFC 6238: HMAC-SHA1, 30-second steps, six digits).
    private static string Totp(string base32Key)
    {
        var bits = string.Concat(base32Key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()
            .Select(character => Convert.ToString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".IndexOf(character, StringComparison.Ordinal), 2).PadLeft(5, '0')));
        var key = Enumerable.Range(0, bits.Length / 8).Select(index => Convert.ToByte(bits.Substring(index * 8, 8), 2)).ToArray();
        var counter = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
        var hash = HMACSHA1.HashData(key, counter);
        var code = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(hash[^1] & 0x0F)) & 0x7FFFFFFF) % 1_000_000;
        return code.ToString("D6", CultureInfo.InvariantCulture);
    }

    private sealed class CapturingEmailSender(List<MimeMessage> sent) : IEmailSender
    {
        public Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
        {
            sent.Add(message);
            return Task.CompletedTask;
        }
    }
}
