using System.Text;
using MyApp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace MyApp.Pages.Account;

/// <summary>
/// The link of the confirmation email (Accounts/AccountMailer.cs). Following it twice does no harm. Like every emailed
/// link, its first request moves the code into TempData (a cookie only the app reads) and redirects to the page's
/// plain address: the code leaves the address bar, the history and any Referer.
/// </summary>
public sealed class ConfirmEmailModel(UserManager<AppUser> users) : PageModel
{
    private const string LinkKey = "ConfirmEmail.Link";

    public bool Confirmed { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? userId, string? code)
    {
        if (userId is not null && code is not null)
        {
            TempData[LinkKey] = new[] { userId, code };
            return RedirectToPage();
        }
        if (TempData[LinkKey] is not string[] { Length: 2 } link || await users.FindByIdAsync(link[0]) is not { } user)
        {
            return Page();
        }
        Confirmed = user.EmailConfirmed || (Decode(link[1]) is { } token && (await users.ConfirmEmailAsync(user, token)).Succeeded);
        return Page();
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
