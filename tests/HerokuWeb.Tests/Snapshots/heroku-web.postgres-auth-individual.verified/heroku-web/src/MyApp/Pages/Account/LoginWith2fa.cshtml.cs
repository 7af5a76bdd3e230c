using Heroku.AspNetCore;
using MyApp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;

namespace MyApp.Pages.Account;

/// <summary>
/// The second step of a password sign-in when two-factor sign-in is on: the password was right (a cookie of Identity's
/// says whose), and the authenticator's code or a recovery code completes it. Wrong codes of either kind count towards
/// the lockout, and a locked account is refused both.
/// </summary>
[EnableRateLimiting(RateLimits.PublicForm)]
public sealed class LoginWith2faModel(SignInManager<AppUser> signIn, UserManager<AppUser> users) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool RememberMe { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("./Login") : Page();

    public async Task<IActionResult> OnPostAsync(string? code, bool rememberDevice)
    {
        var token = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return Finish(await signIn.TwoFactorAuthenticatorSignInAsync(token, RememberMe, rememberDevice), "That code is wrong, or too old: try the one the app shows now.");
    }

    public async Task<IActionResult> OnPostRecoveryAsync(string? recoveryCode)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } user)
        {
            return RedirectToPage("./Login");
        }
        // Identity's recovery-code sign-in neither checks the lockout nor counts a wrong code: both happen here.
        if (await users.IsLockedOutAsync(user))
        {
            return Finish(SignInResult.LockedOut, "");
        }
        var result = await signIn.TwoFactorRecoveryCodeSignInAsync((recoveryCode ?? "").Replace(" ", "", StringComparison.Ordinal));
        if (!result.Succeeded)
        {
            await users.AccessFailedAsync(user);
            result = await users.IsLockedOutAsync(user) ? SignInResult.LockedOut : result;
        }
        return Finish(result, "That recovery code is wrong, or used already.");
    }

    private IActionResult Finish(SignInResult result, string wrong)
    {
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "~/");
        }
        ModelState.AddModelError("", result.IsLockedOut ? "Too many wrong codes: this account is locked for 15 minutes." : wrong);
        return Page();
    }
}
