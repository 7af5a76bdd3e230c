using HerokuApp._1.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace HerokuApp._1.Pages.Account.Manage;

/// <summary>A signed-in user's passkeys: listed, added (Assets/js/passkeys.js runs the browser's part), removed.</summary>
[Authorize]
public sealed class PasskeysModel(UserManager<AppUser> users, SignInManager<AppUser> signIn) : PageModel
{
    public IReadOnlyList<PasskeyRow> Passkeys { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    public string? Error { get; private set; }

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

    public async Task<IActionResult> OnPostAddAsync(string? credential, string? name)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }
        var attestation = string.IsNullOrEmpty(credential) ? null : await signIn.PerformPasskeyAttestationAsync(credential);
        if (attestation is not { Succeeded: true, Passkey: { } passkey })
        {
            Error = $"The passkey was not added: {attestation?.Failure?.Message ?? "the browser sent none"}";
            await ListAsync(user);
            return Page();
        }
        passkey.Name = string.IsNullOrWhiteSpace(name) ? "Passkey" : name.Trim()[..Math.Min(name.Trim().Length, 60)];
        var added = await users.AddOrUpdatePasskeyAsync(user, passkey);
        Notice = added.Succeeded ? $"Passkey \"{passkey.Name}\" added: use it to sign in." : "The passkey was not added: try again.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string? id)
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
        var removed = await users.RemovePasskeyAsync(user, credentialId);
        Notice = removed.Succeeded ? "Passkey removed." : "That passkey was not found.";
        return RedirectToPage();
    }

    private async Task ListAsync(AppUser user) =>
        Passkeys = [.. (await users.GetPasskeysAsync(user))
            .OrderBy(passkey => passkey.CreatedAt)
            .Select(passkey => new PasskeyRow(WebEncoders.Base64UrlEncode(passkey.CredentialId), passkey.Name ?? "Passkey", passkey.CreatedAt))];

    public sealed record PasskeyRow(string Id, string Name, DateTimeOffset CreatedAt);
}
