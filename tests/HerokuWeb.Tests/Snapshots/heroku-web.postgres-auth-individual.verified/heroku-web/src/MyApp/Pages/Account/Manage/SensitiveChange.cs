using Hangfire;
using MyApp.Accounts;
using Microsoft.AspNetCore.Identity;

namespace MyApp.Pages.Account.Manage;

/// <summary>
/// What guards a change that could hand the account to someone else (its email, passkeys, two-factor sign-in, the
/// download of its data): the password typed again, as GitHub's sudo prompt asks, so that a stolen or unattended
/// session is not enough; and a notice to the account's address once it is done.
/// </summary>
internal static class SensitiveChange
{
    /// <summary>The name of the password field in the Manage pages' forms.</summary>
    public const string PasswordField = "currentPassword";

    public const string WrongPassword = "That is not your password: nothing changed.";

    public const string LockedOut = "Too many wrong passwords: nothing changed. Try again in a quarter of an hour.";

    /// <summary>
    /// Null when <paramref name="password"/> is the account's, else the error to show. A wrong one counts towards the
    /// lockout, as at sign-in: a session holder cannot guess the password here without limit.
    /// </summary>
    public static async Task<string?> CheckPasswordAsync(UserManager<AppUser> users, AppUser user, string? password)
    {
        if (await users.IsLockedOutAsync(user))
        {
            return LockedOut;
        }
        if (string.IsNullOrEmpty(password) || !await users.CheckPasswordAsync(user, password))
        {
            await users.AccessFailedAsync(user);
            return await users.IsLockedOutAsync(user) ? LockedOut : WrongPassword;
        }
        await users.ResetAccessFailedCountAsync(user);
        return null;
    }

    /// <summary>Emails the account's address, through the worker, that <paramref name="change"/> happened.</summary>
    public static void Notify(IBackgroundJobClient jobs, HttpRequest request, AppUser user, string change)
    {
        var origin = $"{request.Scheme}://{request.Host}";
        var userId = user.Id;
        jobs.Enqueue<AccountMailer>(mailer => mailer.SendSecurityNoticeAsync(userId, change, origin, CancellationToken.None));
    }
}
