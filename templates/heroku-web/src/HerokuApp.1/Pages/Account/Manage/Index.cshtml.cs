using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Hangfire;
using HerokuApp._1.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HerokuApp._1.Pages.Account.Manage;

/// <summary>A signed-in user's account: password, email, their data, and deleting it all.</summary>
[Authorize]
public sealed class IndexModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, IBackgroundJobClient jobs) : PageModel
{
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
        var changed = await users.ChangePasswordAsync(user, Password.Current, Password.New);
        if (!changed.Succeeded)
        {
            foreach (var error in changed.Errors)
            {
                ModelState.AddModelError(error.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? "Password.Current" : "Password.New", error.Description);
            }
            return Show(user);
        }
        // The new security stamp signs out every other session at its next request; this one is signed in again.
        await signIn.RefreshSignInAsync(user);
        Notice = "Your password is changed, and every other device is signed out.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEmailAsync()
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
        var email = NewEmail.Trim();
        var origin = $"{Request.Scheme}://{Request.Host}";
        // The same answer whether another account has that email or not: the link fails then, for its owner only.
        jobs.Enqueue<AccountMailer>(mailer => mailer.SendEmailChangeAsync(user.Id, email, origin, CancellationToken.None));
        Notice = $"We have emailed {email} a link: your email changes once it is followed.";
        return RedirectToPage();
    }

    /// <summary>Identity's personal data of the user ([PersonalData] properties), and their passkeys' names and dates, as JSON.</summary>
    public async Task<IActionResult> OnPostDownloadAsync()
    {
        if (await UserAsync() is not { } user)
        {
            return Challenge();
        }
        var data = typeof(AppUser).GetProperties()
            .Where(property => Attribute.IsDefined(property, typeof(PersonalDataAttribute)))
            .ToDictionary(property => property.Name, property => property.GetValue(user)?.ToString());
        var passkeys = (await users.GetPasskeysAsync(user)).Select(passkey => new { passkey.Name, passkey.CreatedAt });
        var json = JsonSerializer.SerializeToUtf8Bytes(new { Account = data, Passkeys = passkeys }, new JsonSerializerOptions { WriteIndented = true });
        return File(json, "application/json", "personal-data.json");
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? deletePassword)
    {
        if (await UserAsync() is not { } user)
        {
            return Challenge();
        }
        ModelState.Clear();
        if (deletePassword is null || !await users.CheckPasswordAsync(user, deletePassword))
        {
            ModelState.AddModelError("", "The password is wrong: your account is not deleted.");
            return Show(user);
        }
        var deleted = await users.DeleteAsync(user);
        if (!deleted.Succeeded)
        {
            ModelState.AddModelError("", "Your account could not be deleted: try again.");
            return Show(user);
        }
        await signIn.SignOutAsync();
        TempData["Notice"] = "Your account is deleted.";
        return RedirectToPage("/Account/Login");
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
