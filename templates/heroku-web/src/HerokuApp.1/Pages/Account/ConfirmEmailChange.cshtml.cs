using HerokuApp._1.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HerokuApp._1.Pages.Account;

/// <summary>The link of the "confirm your new email" email (Accounts/AccountMailer.cs): the account moves to the new address.</summary>
public sealed class ConfirmEmailChangeModel(UserManager<AppUser> users, SignInManager<AppUser> signIn) : PageModel
{
    public bool Changed { get; private set; }

    public async Task OnGetAsync(string? userId, string? email, string? code)
    {
        if (userId is null || email is null || code is null || await users.FindByIdAsync(userId) is not { } user
            || ConfirmEmailModel.Decode(code) is not { } token)
        {
            return;
        }
        // The user name is the email (Register.cshtml.cs): both change, or neither.
        if (!(await users.ChangeEmailAsync(user, email, token)).Succeeded || !(await users.SetUserNameAsync(user, email)).Succeeded)
        {
            return;
        }
        Changed = true;
        // The change renews the security stamp, which signs out every session; this browser stays signed in if it was.
        if (signIn.IsSignedIn(User) && users.GetUserId(User) == user.Id)
        {
            await signIn.RefreshSignInAsync(user);
        }
    }
}
