using Hangfire;
using Heroku.AspNetCore;
using MyApp.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;

namespace MyApp.Pages.Account.Manage;

/// <summary>A signed-in user's passkeys: listed, added (Assets/js/passkeys.js runs the browser's part), removed.</summary>
[Authorize]
[EnableRateLimiting(RateLimits.SignedInForm)]
public sealed class PasskeysModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, IBackgroundJobClient jobs) : PageModel
{
    public IReadOnlyList<PasskeyRow> Passkeys { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    /// <summary>Why the passkey was not added.</summary>
    public string? Error { get; private set; }

    /// <summary>Why the passkey was not removed.</summary>
    public string? RemoveError { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        await ListAsync(user);
        return Page();
    }

    /// <summary>What the browser needs to make a passkey for this user, for this host; the state waits in a cookie.</summary>
    public async Task<IActionResult> OnPostOptionsAsync()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        var name = await users.GetEmailAsync(user) ?? user.Id;
        var options = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity { Id = user.Id, Name = name, DisplayName = name });
        return Content(options, "application/json");
    }

    public async Task<IActionResult> OnPostAddAsync(string? credential, string? name, string? currentPassword)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        // A passkey outlives a password change: a stolen session must not be enough to add one.
        if (await SensitiveChange.CheckPasswordAsync(users, user, currentPassword) is { } wrong)
        {
            return await ShowAsync(user, $"The passkey was not added: {wrong}");
        }
        PasskeyAttestationResult? attestation;
        try
        {
            attestation = string.IsNullOrEmpty(credential) ? null : await signIn.PerformPasskeyAttestationAsync(credential);
        }
        catch (InvalidOperationException)
        {
            // No ceremony waits in the cookie: it expired (5 minutes), another tab started one, or the post is forged.
            return await ShowAsync(user, "The passkey was not added: it took too long, or another page started one. Try again.");
        }
        if (attestation is not { Succeeded: true, Passkey: { } passkey })
        {
            return await ShowAsync(user, $"The passkey was not added: {attestation?.Failure?.Message ?? "the browser sent none"}");
        }
        passkey.Name = string.IsNullOrWhiteSpace(name) ? "Passkey" : name.Trim()[..Math.Min(name.Trim().Length, 60)];
        var added = await users.AddOrUpdatePasskeyAsync(user, passkey);
        if (added.Succeeded)
        {
            SensitiveChange.Notify(jobs, Request, user, $"A passkey, \"{passkey.Name}\", was added");
        }
        Notice = added.Succeeded ? $"Passkey \"{passkey.Name}\" added: use it to sign in." : "The passkey was not added: try again.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? id, string? currentPassword)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        byte[] credentialId;
        try
        {
            credentialId = WebEncoders.Base64UrlDecode(id ?? "");
        }
        catch (FormatException)
        {
            return BadRequest();
        }
        if (await SensitiveChange.CheckPasswordAsync(users, user, currentPassword) is { } wrong)
        {
            RemoveError = $"The passkey was not removed: {wrong}";
            await ListAsync(user);
            return Page();
        }
        var removed = await users.RemovePasskeyAsync(user, credentialId);
        if (removed.Succeeded)
        {
            SensitiveChange.Notify(jobs, Request, user, "A passkey was removed");
        }
        Notice = removed.Succeeded ? "Passkey removed." : "That passkey was not found.";
        return RedirectToPage();
    }

    private async Task<PageResult> ShowAsync(AppUser user, string error)
    {
        Error = error;
        await ListAsync(user);
        return Page();
    }

    private async Task ListAsync(AppUser user) =>
        Passkeys = [.. (await users.GetPasskeysAsync(user))
            .OrderBy(passkey => passkey.CreatedAt)
            .Select(passkey => new PasskeyRow(WebEncoders.Base64UrlEncode(passkey.CredentialId), passkey.Name ?? "Passkey", passkey.CreatedAt))];

    public sealed record PasskeyRow(string Id, string Name, DateTimeOffset CreatedAt);
}
