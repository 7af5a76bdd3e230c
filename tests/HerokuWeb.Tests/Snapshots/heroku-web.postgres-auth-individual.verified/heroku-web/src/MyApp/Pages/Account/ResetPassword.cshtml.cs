using System.ComponentModel.DataAnnotations;
using Heroku.AspNetCore;
using MyApp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace MyApp.Pages.Account;

/// <summary>
/// The link of the password reset email (Accounts/AccountMailer.cs), which names the account by its id. Its code
/// leaves the address bar as ConfirmEmail.cshtml.cs's does, and waits in the form's hidden field.
/// </summary>
[EnableRateLimiting(RateLimits.PublicForm)]
public sealed class ResetPasswordModel(UserManager<AppUser> users) : PageModel
{
    private const string LinkKey = "ResetPassword.Link";

    private const string LinkDoesNotWork = "This link does not work: it may be incomplete, used already, or older than two hours. Ask for a new one.";

    [BindProperty]
    public ResetPasswordInput Input { get; set; } = new();

    public IActionResult OnGet(string? userId, string? code)
    {
        if (userId is not null && code is not null)
        {
            TempData[LinkKey] = new[] { userId, code };
            return RedirectToPage();
        }
        if (TempData[LinkKey] is string[] { Length: 2 } link)
        {
            Input = new ResetPasswordInput { UserId = link[0], Code = link[1] };
        }
        else
        {
            ModelState.AddModelError("", LinkDoesNotWork);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = await users.FindByIdAsync(Input.UserId);
        var token = ConfirmEmailModel.Decode(Input.Code);
        var reset = user is null || token is null ? null : await users.ResetPasswordAsync(user, token, Input.Password);
        if (reset is not { Succeeded: true })
        {
            // Only the password's own faults are named (Identity checks them after the token): any other failure answers
            // the same, so the page tells no one which accounts exist.
            foreach (var error in reset?.Errors.Where(error => error.Code.StartsWith("Password", StringComparison.Ordinal)) ?? [])
            {
                ModelState.AddModelError("Input.Password", error.Description);
            }
            if (ModelState.IsValid)
            {
                ModelState.AddModelError("", LinkDoesNotWork);
            }
            return Page();
        }

        // Whoever reads the owner's email may choose the password: that confirms the address of an account that had not
        // confirmed it yet, and ends a lockout from wrong guesses.
        user!.EmailConfirmed = true;
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        await users.UpdateAsync(user);
        TempData["Notice"] = "Your password is changed: sign in with the new one.";
        return RedirectToPage("./Login");
    }

    public sealed class ResetPasswordInput
    {
        [Required]
        public string UserId { get; set; } = "";

        [Required]
        public string Code { get; set; } = "";

        [Required(ErrorMessage = "{0} is required."), StringLength(200, MinimumLength = 10, ErrorMessage = "{0} must be at least {2} characters.")]
        [DataType(DataType.Password)]
        [Display(Name = "New password")]
        public string Password { get; set; } = "";
    }
}
