using System.ComponentModel.DataAnnotations;
using Hangfire;
using Heroku.AspNetCore;
using MyApp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace MyApp.Pages.Account;

// Anyone may post: FORM_POSTS_PER_MINUTE posts a minute from one client address, then 429.
[EnableRateLimiting(RateLimits.PublicForm)]
public sealed class RegisterModel(UserManager<AppUser> users, IBackgroundJobClient jobs) : PageModel
{
    [BindProperty]
    public RegisterInput Input { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var email = Input.Email.Trim();
        // Decided before any lookup, so the answer is the same whether an account has a look-alike address or not.
        if (email.Any(character => !users.Options.User.AllowedUserNameCharacters.Contains(character)))
        {
            ModelState.AddModelError("Input.Email", "Use an address of plain ASCII letters, digits and punctuation: no accents, no spaces.");
            return Page();
        }
        var user = new AppUser { UserName = email, Email = email };
        // The password is hashed before the address is looked up, so a taken address answers as fast as a new one.
        var created = await users.CreateAsync(user, Input.Password);
        var origin = $"{Request.Scheme}://{Request.Host}";
        if (created.Succeeded)
        {
            jobs.Enqueue<AccountMailer>(mailer => mailer.SendConfirmationAsync(user.Id, origin, CancellationToken.None));
        }
        else if (created.Errors.Any(error => error.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName)))
        {
            // The same answer as for a new address, so the page tells no one which addresses have accounts: only
            // the address's owner learns it, by email (a new confirmation link, if the account has none confirmed).
            jobs.Enqueue<AccountMailer>(mailer => mailer.SendAlreadyRegisteredAsync(email, origin, CancellationToken.None));
        }
        else
        {
            foreach (var error in created.Errors)
            {
                ModelState.AddModelError(error.Code.Contains("Password", StringComparison.Ordinal) ? "Input.Password" : "", error.Description);
            }
            return Page();
        }

        Notice = $"Thanks: we have emailed {email} a link. Follow it to confirm your address, then sign in.";
        return RedirectToPage();
    }

    public sealed class RegisterInput
    {
        [Required(ErrorMessage = "{0} is required."), EmailAddress, StringLength(254)]
        [Display(Name = "Email")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "{0} is required."), StringLength(200, MinimumLength = 10, ErrorMessage = "{0} must be at least {2} characters.")]
        [DataType(DataType.Password)]
        [Display(Name = "Password")]
        public string Password { get; set; } = "";
    }
}
