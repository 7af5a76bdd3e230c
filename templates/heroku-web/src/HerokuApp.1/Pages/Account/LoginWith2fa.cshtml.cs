using Heroku.AspNetCore;
using HerokuApp._1.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;

namespace HerokuApp._1.Pages.Account;

/// <summary>
/// The second step of a password sign-in when two-factor sign-in is on: the password was right (a cookie of Identity's
/// says whose), and the authenticator's code or a recovery code completes it. Wrong codes count towards the lockout.
/// </summary>
[EnableRateLimiting(RateLimits.PublicForm)]
public sealed class LoginWith2faModel(SignInManager<AppUser> signIn) : PageModel
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

    public async Task<IActionResult> OnPostRecoveryAsync(string? recoveryCode) =>
        Finish(await signIn.TwoFactorRecoveryCodeSignInAsync((recoveryCode ?? "").Replace(" ", "", StringComparison.Ordinal)),
            "That recovery code is wrong, or used already.");

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
