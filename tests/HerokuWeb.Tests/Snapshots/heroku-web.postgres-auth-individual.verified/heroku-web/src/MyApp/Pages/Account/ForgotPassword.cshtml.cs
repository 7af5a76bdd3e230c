using System.ComponentModel.DataAnnotations;
using Hangfire;
using Heroku.AspNetCore;
using MyApp.Accounts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace MyApp.Pages.Account;

[EnableRateLimiting(RateLimits.PublicForm)]
public sealed class ForgotPasswordModel(IBackgroundJobClient jobs) : PageModel
{
    [BindProperty]
    public ForgotPasswordInput Input { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    public void OnGet()
    {
    }

    public IActionResult OnPost()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        // The page neither looks the address up nor waits: the worker does (Accounts/AccountMailer.cs). A known and an
        // unknown address get the same answer in the same time, so the page tells no one which addresses have accounts.
        var email = Input.Email.Trim();
        var origin = $"{Request.Scheme}://{Request.Host}";
        jobs.Enqueue<AccountMailer>(mailer => mailer.SendPasswordResetAsync(email, origin, CancellationToken.None));
        Notice = "If an account has that email, we have emailed it a link to choose a new password.";
        return RedirectToPage();
    }

    public sealed class ForgotPasswordInput
    {
        [Required(ErrorMessage = "{0} is required."), EmailAddress, StringLength(254)]
        [Display(Name = "Email")]
        public string Email { get; set; } = "";
    }
}
