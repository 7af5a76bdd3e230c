using MyApp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MyApp.Pages.Account;

/// <summary>
/// The link of the "confirm your new email" email (Accounts/AccountMailer.cs): the account moves to the new address.
/// Its code leaves the address bar as ConfirmEmail.cshtml.cs's does.
/// </summary>
public sealed class ConfirmEmailChangeModel(UserManager<AppUser> users, SignInManager<AppUser> signIn) : PageModel
{
    private const string LinkKey = "ConfirmEmailChange.Link";

    public bool Changed { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? userId, string? email, string? code)
    {
        if (userId is not null && email is not null && code is not null)
        {
            TempData[LinkKey] = new[] { userId, email, code };
            return RedirectToPage();
        }
        if (TempData[LinkKey] is not string[] { Length: 3 } link || await users.FindByIdAsync(link[0]) is not { } user
            || ConfirmEmailModel.Decode(link[2]) is not { } token)
        {
            return Page();
        }
        // The user name is the email (Register.cshtml.cs): set first, it is checked and saved with the email in one
        // update, so both change, or neither.
        user.UserName = link[1];
        if (!(await users.ChangeEmailAsync(user, link[1], token)).Succeeded)
        {
            return Page();
        }
        Changed = true;
        // The change renews the security stamp, which signs out every session; this browser stays signed in if it was.
        if (signIn.IsSignedIn(User) && users.GetUserId(User) == user.Id)
        {
            await signIn.RefreshSignInAsync(user);
        }
        return Page();
    }
}
