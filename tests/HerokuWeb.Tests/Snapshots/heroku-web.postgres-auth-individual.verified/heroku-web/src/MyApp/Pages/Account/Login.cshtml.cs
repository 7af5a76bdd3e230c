using System.ComponentModel.DataAnnotations;
using Heroku.AspNetCore;
using MyApp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;

namespace MyApp.Pages.Account;

// FORM_POSTS_PER_MINUTE sign-in posts a minute from one client address, then 429; each account also locks after
// repeated wrong passwords, whatever the address.
[EnableRateLimiting(RateLimits.PublicForm)]
public sealed class LoginModel(SignInManager<AppUser> signIn, UserManager<AppUser> users, IPasswordHasher<AppUser> hasher) : PageModel
{
    private const string WrongEmailOrPassword = "The email or the password is wrong, or this account is locked for 15 minutes after 5 wrong passwords in a row.";

    // A hash for an email no account has, checked as a real one would be: an unknown address takes as long as a known one.
    private static string? _unknownAccountHash;

    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    /// <summary>Where to go once signed in: a page of this site only (LocalRedirect refuses any other).</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? PasskeyError { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>
    /// What the browser needs to ask for a passkey of this host, any account's: the browser offers the ones it has, so
    /// the page never says which emails have passkeys.
    /// </summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync() =>
        Content(await signIn.MakePasskeyRequestOptionsAsync(user: null), "application/json");

    public async Task<IActionResult> OnPostPasskeyAsync(string? credential)
    {
        // The password form's fields are not part of this post.
        ModelState.Clear();
        SignInResult? result;
        try
        {
            result = string.IsNullOrEmpty(credential) ? null : await signIn.PasskeySignInAsync(credential);
        }
        catch (InvalidOperationException)
        {
            // Identity keeps the ceremony's state for 5 minutes, in a cookie a two-factor sign-in shares.
            PasskeyError = "That took too long, or another sign-in started meanwhile: try again.";
            return Page();
        }
        if (result is { Succeeded: true })
        {
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "~/");
        }
        PasskeyError = result is { IsLockedOut: true }
            ? "This account is locked for a while after too many wrong passwords."
            : "That passkey did not sign you in: it may have been removed from your account.";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        // The user name is the email (Register.cshtml.cs).
        if (await users.FindByNameAsync(Input.Email.Trim()) is not { } user)
        {
            _unknownAccountHash ??= hasher.HashPassword(new AppUser(), Guid.NewGuid().ToString());
            hasher.VerifyHashedPassword(new AppUser(), _unknownAccountHash, Input.Password);
            ModelState.AddModelError("", WrongEmailOrPassword);
            return Page();
        }
        // Each wrong password counts towards the lockout.
        var result = await signIn.PasswordSignInAsync(user, Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "~/");
        }
        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("./LoginWith2fa", new { ReturnUrl, Input.RememberMe });
        }
        if (result.IsNotAllowed)
        {
            // Identity refuses an unconfirmed account before it checks the password, and counts nothing: check it here,
            // count it if wrong, and say why only to whoever gave the right one.
            if (await users.CheckPasswordAsync(user, Input.Password))
            {
                ModelState.AddModelError("", "Confirm your email first: follow the link we emailed you when you signed up.");
                return Page();
            }
            await users.AccessFailedAsync(user);
        }
        else if (result.IsLockedOut)
        {
            // A locked account answers as a wrong password does, whatever the password: saying "locked" to the right
            // one would let guesses go on through the lockout. The check runs for the time it takes, not its answer.
            await users.CheckPasswordAsync(user, Input.Password);
        }
        ModelState.AddModelError("", WrongEmailOrPassword);
        return Page();
    }

    public sealed class LoginInput
    {
        [Required(ErrorMessage = "{0} is required."), EmailAddress]
        [Display(Name = "Email")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "{0} is required.")]
        [DataType(DataType.Password)]
        [Display(Name = "Password")]
        public string Password { get; set; } = "";

        [Display(Name = "Keep me signed in on this device")]
        public bool RememberMe { get; set; }
    }
}
