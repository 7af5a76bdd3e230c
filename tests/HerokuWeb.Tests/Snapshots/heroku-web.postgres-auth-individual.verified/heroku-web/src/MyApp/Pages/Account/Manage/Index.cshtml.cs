using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Hangfire;
using Heroku.AspNetCore;
using MyApp.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Caching.Memory;

namespace MyApp.Pages.Account.Manage;

/// <summary>A signed-in user's account: password, email, their data, and deleting it all.</summary>
[Authorize]
[EnableRateLimiting(RateLimits.SignedInForm)]
public sealed class IndexModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, IBackgroundJobClient jobs, JobStorage jobStorage,
    IMemoryCache sentTo) : PageModel
{
    /// <summary>How long an address that was sent a change-of-email link gets no other, whoever asks.</summary>
    internal static readonly TimeSpan EmailChangeCooldown = TimeSpan.FromMinutes(5);

    public string Email { get; private set; } = "";

    [BindProperty]
    public PasswordInput Password { get; set; } = new();

    [BindProperty, EmailAddress, StringLength(254)]
    [Display(Name = "New email")]
    public string? NewEmail { get; set; }

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync() => await UserAsync() is { } user ? Show(user) : Challenge();

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        if (await UserAsync() is not { } user)
        {
            return Challenge();
        }
        ModelState.Remove(nameof(NewEmail));
        if (!ModelState.IsValid)
        {
            return Show(user);
        }
        if (await users.IsLockedOutAsync(user))
        {
            ModelState.AddModelError("Password.Current", SensitiveChange.LockedOut);
            return Show(user);
        }
        var changed = await users.ChangePasswordAsync(user, Password.Current, Password.New);
        if (!changed.Succeeded)
        {
            foreach (var error in changed.Errors)
            {
                ModelState.AddModelError(error.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? "Password.Current" : "Password.New", error.Description);
            }
            // A wrong current password counts towards the lockout, as at sign-in.
            if (changed.Errors.Any(error => error.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
            {
                await users.AccessFailedAsync(user);
            }
            return Show(user);
        }
        await users.ResetAccessFailedCountAsync(user);
        // The new security stamp signs out every other session at its next request; this one is signed in again.
        await signIn.RefreshSignInAsync(user);
        SensitiveChange.Notify(jobs, Request, user, "Your password was changed");
        Notice = "Your password is changed, and every other device is signed out.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEmailAsync(string? currentPassword)
    {
        if (await UserAsync() is not { } user)
        {
            return Challenge();
        }
        ModelState.Clear();
        if (string.IsNullOrWhiteSpace(NewEmail) || !new EmailAddressAttribute().IsValid(NewEmail))
        {
            ModelState.AddModelError(nameof(NewEmail), "Give the new email.");
            return Show(user);
        }
        if (await SensitiveChange.CheckPasswordAsync(users, user, currentPassword) is { } wrong)
        {
            ModelState.AddModelError(SensitiveChange.PasswordField, wrong);
            return Show(user);
        }
        var email = NewEmail.Trim();
        var origin = $"{Request.Scheme}://{Request.Host}";
        // One link per address every few minutes, whoever asks: no account can make the app mail an address it typed
        // over and over. The answer is the same either way.
        var cooldown = $"email-change:{email.ToUpperInvariant()}";
        if (!sentTo.TryGetValue(cooldown, out _))
        {
            sentTo.Set(cooldown, true, EmailChangeCooldown);
            // The same answer whether another account has that email or not: the link fails then, for its owner only.
            jobs.Enqueue<AccountMailer>(mailer => mailer.SendEmailChangeAsync(user.Id, email, origin, CancellationToken.None));
            SensitiveChange.Notify(jobs, Request, user, $"Someone asked to move your account to the email {email} (it moves only once a link sent there is followed)");
        }
        Notice = $"We have emailed {email} a link: your email changes once it is followed. No email? Ask again in a few minutes.";
        return RedirectToPage();
    }

    /// <summary>
    /// Identity's personal data of the user ([PersonalData] properties), their roles, lockout state and failed
    /// sign-ins, and their passkeys' names and dates, as JSON.
    /// </summary>
    public async Task<IActionResult> OnPostDownloadAsync(string? currentPassword)
    {
        if (await UserAsync() is not { } user)
        {
            return Challenge();
        }
        ModelState.Clear();
        if (await SensitiveChange.CheckPasswordAsync(users, user, currentPassword) is { } wrong)
        {
            ModelState.AddModelError("", wrong);
            return Show(user);
        }
        var data = typeof(AppUser).GetProperties()
            .Where(property => Attribute.IsDefined(property, typeof(PersonalDataAttribute)))
            .ToDictionary(property => property.Name, property => property.GetValue(user)?.ToString());
        var passkeys = (await users.GetPasskeysAsync(user)).Select(passkey => new { passkey.Name, passkey.CreatedAt });
        var json = JsonSerializer.SerializeToUtf8Bytes(new
        {
            Account = data,
            Roles = await users.GetRolesAsync(user),
            SignIn = new { user.LockoutEnabled, user.LockoutEnd, FailedSignIns = user.AccessFailedCount },
            Passkeys = passkeys,
        }, new JsonSerializerOptions { WriteIndented = true });
        return File(json, "application/json", "personal-data.json");
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? deletePassword)
    {
        if (await UserAsync() is not { } user)
        {
            return Challenge();
        }
        ModelState.Clear();
        if (await SensitiveChange.CheckPasswordAsync(users, user, deletePassword) is { } wrong)
        {
            ModelState.AddModelError("", wrong == SensitiveChange.WrongPassword ? "The password is wrong: your account is not deleted." : wrong);
            return Show(user);
        }
        var deleted = await users.DeleteAsync(user);
        if (!deleted.Succeeded)
        {
            ModelState.AddModelError("", "Your account could not be deleted: try again.");
            return Show(user);
        }
        ForgetJobs(user.Id, user.Email);
        await signIn.SignOutAsync();
        TempData["Notice"] = "Your account is deleted.";
        return RedirectToPage("/Account/Login");
    }

    /// <summary>
    /// Deletes the jobs waiting, scheduled for a retry, or failed that name the account or its address (the queue keeps
    /// failed jobs until someone deletes them). Hangfire keeps a deleted or finished job's arguments one more day.
    /// </summary>
    private void ForgetJobs(string userId, string? email)
    {
        var monitoring = jobStorage.GetMonitoringApi();
        bool Names(Hangfire.Common.Job? job) => job?.Args.Any(argument => argument is string text
            && (text == userId || string.Equals(text, email, StringComparison.OrdinalIgnoreCase))) == true;
        var named = monitoring.Queues().SelectMany(queue => monitoring.EnqueuedJobs(queue.Name, 0, 1_000)).Where(job => Names(job.Value.Job)).Select(job => job.Key)
            .Concat(monitoring.ScheduledJobs(0, 1_000).Where(job => Names(job.Value.Job)).Select(job => job.Key))
            .Concat(monitoring.FailedJobs(0, 1_000).Where(job => Names(job.Value.Job)).Select(job => job.Key))
            .ToList();
        foreach (var id in named)
        {
            jobs.Delete(id);
        }
    }

    private async Task<AppUser?> UserAsync() => await users.GetUserAsync(User);

    private PageResult Show(AppUser user)
    {
        Email = user.Email ?? "";
        return Page();
    }

    public sealed class PasswordInput
    {
        [Required(ErrorMessage = "{0} is required.")]
        [DataType(DataType.Password)]
        [Display(Name = "Current password")]
        public string Current { get; set; } = "";

        [Required(ErrorMessage = "{0} is required."), StringLength(200, MinimumLength = 10, ErrorMessage = "{0} must be at least {2} characters.")]
        [DataType(DataType.Password)]
        [Display(Name = "New password")]
        public string New { get; set; } = "";
    }
}
