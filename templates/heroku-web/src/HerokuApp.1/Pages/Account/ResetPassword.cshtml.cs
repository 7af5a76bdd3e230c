using System.ComponentModel.DataAnnotations;
using Heroku.AspNetCore;
using HerokuApp._1.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace HerokuApp._1.Pages.Account;

/// <summary>The link of the password reset email (Accounts/AccountMailer.cs).</summary>
[EnableRateLimiting(RateLimits.PublicForm)]
public sealed class ResetPasswordModel(UserManager<AppUser> users) : PageModel
{
    [BindProperty]
    public ResetPasswordInput Input { get; set; } = new();

    public IActionResult OnGet(string? email, string? code)
    {
        if (email is null || code is null)
        {
            return BadRequest();
        }
        Input = new ResetPasswordInput { Email = email, Code = code };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = await users.FindByEmailAsync(Input.Email);
        var token = ConfirmEmailModel.Decode(Input.Code);
        var reset = user is null || token is null ? null : await users.ResetPasswordAsync(user, token, Input.Password);
        if (reset is not { Succeeded: true })
        {
            foreach (var error in reset?.Errors ?? [])
            {
                ModelState.AddModelError(error.Code.Contains("Password", StringComparison.Ordinal) ? "Input.Password" : "", error.Description);
            }
            if (ModelState.IsValid)
            {
                ModelState.AddModelError("", "This link does not work: it may be incomplete, used already, or older than a day. Ask for a new one.");
            }
            return Page();
        }

        // Whoever reads the owner's email may choose the password, so a lockout from wrong guesses ends here too.
        await users.SetLockoutEndDateAsync(user!, null);
        await users.ResetAccessFailedCountAsync(user!);
        TempData["Notice"] = "Your password is changed: sign in with the new one.";
        return RedirectToPage("./Login");
    }

    public sealed class ResetPasswordInput
    {
        [Required]
        public string Email { get; set; } = "";

        [Required]
        public string Code { get; set; } = "";

        [Required(ErrorMessage = "{0} is required."), StringLength(200, MinimumLength = 10, ErrorMessage = "{0} must be at least {2} characters.")]
        [DataType(DataType.Password)]
        [Display(Name = "New password")]
        public string Password { get; set; } = "";
    }
}
