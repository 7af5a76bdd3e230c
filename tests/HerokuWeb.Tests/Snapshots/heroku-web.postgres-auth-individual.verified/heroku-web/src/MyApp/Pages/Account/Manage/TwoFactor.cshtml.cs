using System.Globalization;
using Hangfire;
using Heroku.AspNetCore;
using MyApp.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace MyApp.Pages.Account.Manage;

/// <summary>Two-factor sign-in with an authenticator app (TOTP), and its recovery codes.</summary>
[Authorize]
[EnableRateLimiting(RateLimits.SignedInForm)]
public sealed class TwoFactorModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, AppSettings settings, IBackgroundJobClient jobs) : PageModel
{
    private const int RecoveryCodeCount = 10;

    public bool Enabled { get; private set; }

    public string SharedKey { get; private set; } = "";

    public string AuthenticatorUri { get; private set; } = "";

    public int RecoveryCodesLeft { get; private set; }

    /// <summary>New recovery codes, shown once, on the answer to the post that made them.</summary>
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync() => await users.GetUserAsync(User) is { } user ? await ShowAsync(user) : Challenge();

    /// <summary>
    /// Makes the key the authenticator app is given. A post, not part of the page's GET: a new key renews the security
    /// stamp, which signs out every other session, and a link from another site must not do that.
    /// </summary>
    public async Task<IActionResult> OnPostKeyAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        if (!await users.GetTwoFactorEnabledAsync(user))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            // This session is signed in again, with the new stamp.
            await signIn.RefreshSignInAsync(user);
        }
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEnableAsync(string? code)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        var token = (code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, token))
        {
            ModelState.AddModelError("", "That code is not the one the app shows now: check the key, and the phone's clock.");
            return await ShowAsync(user);
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        // Turning it on renews the security stamp: this session stays signed in, others are signed out.
        await signIn.RefreshSignInAsync(user);
        SensitiveChange.Notify(jobs, Request, user, "Two-factor sign-in was turned on");
        Notice = "Two-factor sign-in is on.";
        return await ShowAsync(user);
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync(string? currentPassword)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        if (!await users.GetTwoFactorEnabledAsync(user))
        {
            return RedirectToPage();
        }
        if (await SensitiveChange.CheckPasswordAsync(users, user, currentPassword) is { } wrong)
        {
            ModelState.AddModelError("", wrong);
            return await ShowAsync(user);
        }
        RecoveryCodes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        Notice = "New recovery codes: the old ones no longer work.";
        return await ShowAsync(user);
    }

    public async Task<IActionResult> OnPostDisableAsync(string? currentPassword)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        if (await SensitiveChange.CheckPasswordAsync(users, user, currentPassword) is { } wrong)
        {
            ModelState.AddModelError("", wrong);
            return await ShowAsync(user);
        }
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await signIn.RefreshSignInAsync(user);
        SensitiveChange.Notify(jobs, Request, user, "Two-factor sign-in was turned off");
        Notice = "Two-factor sign-in is off.";
        return RedirectToPage();
    }

    private async Task<PageResult> ShowAsync(AppUser user)
    {
        Enabled = await users.GetTwoFactorEnabledAsync(user);
        RecoveryCodesLeft = await users.CountRecoveryCodesAsync(user);
        // Until a post makes the key (OnPostKeyAsync), the page offers to make one.
        if (!Enabled && await users.GetAuthenticatorKeyAsync(user) is { Length: > 0 } key)
        {
            // In groups of four, as authenticator apps show keys.
            SharedKey = string.Join(' ', key.ToLowerInvariant().Chunk(4).Select(group => new string(group)));
            AuthenticatorUri = string.Create(CultureInfo.InvariantCulture,
                $"otpauth://totp/{Uri.EscapeDataString(settings.SiteName)}:{Uri.EscapeDataString(user.Email ?? "")}?secret={key}&issuer={Uri.EscapeDataString(settings.SiteName)}&digits=6");
        }
        return Page();
    }
}
