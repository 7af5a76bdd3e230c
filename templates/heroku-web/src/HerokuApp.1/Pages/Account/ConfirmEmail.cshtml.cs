using System.Text;
using HerokuApp._1.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace HerokuApp._1.Pages.Account;

/// <summary>The link of the confirmation email (Accounts/AccountMailer.cs). Following it twice does no harm.</summary>
public sealed class ConfirmEmailModel(UserManager<AppUser> users) : PageModel
{
    public bool Confirmed { get; private set; }

    public async Task OnGetAsync(string? userId, string? code)
    {
        if (userId is null || code is null || await users.FindByIdAsync(userId) is not { } user)
        {
            return;
        }
        Confirmed = user.EmailConfirmed || (Decode(code) is { } token && (await users.ConfirmEmailAsync(user, token)).Succeeded);
    }

    internal static string? Decode(string code)
    {
        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
