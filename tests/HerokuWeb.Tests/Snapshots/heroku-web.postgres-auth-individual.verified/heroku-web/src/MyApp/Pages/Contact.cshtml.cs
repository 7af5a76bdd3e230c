using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Heroku.AspNetCore;
using Microsoft.AspNetCore.RateLimiting;
using Hangfire;
using MyApp.Contact;

namespace MyApp.Pages;

// Anyone may post: a client address gets FORM_POSTS_PER_MINUTE posts a minute (by default 10, and 1,000 in Development), then 429.
[EnableRateLimiting(RateLimits.PublicForm)]
public sealed class ContactModel(IBackgroundJobClient jobs) : PageModel
{
    [BindProperty]
    public MessageInput Input { get; set; } = new();

    /// <summary>Survives the redirect in a cookie that Data Protection encrypts, so any dyno can read it.</summary>
    [TempData]
    public string? Notice { get; set; }

    public void OnGet()
    {
    }

    // Razor Pages checks the antiforgery token of every POST before this runs.
    public IActionResult OnPost()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        // A job, stored in the database with the message, that the worker process runs (Contact/ContactMailer.cs):
        // the visitor does not wait for the mail server, and a failing one never loses the message.
        jobs.Enqueue<ContactMailer>(mailer => mailer.SendAsync(new ContactMessage(Input.Name.Trim(), Input.Message.Trim()), CancellationToken.None));
        Notice = $"Thanks, {Input.Name.Trim()}: your message is on its way.";

        // Post/Redirect/Get: a refresh does not send twice.
        return RedirectToPage();
    }

    public sealed class MessageInput
    {
        [Required(ErrorMessage = "{0} is required."), StringLength(80)]
        [Display(Name = "Your name")]
        public string Name { get; set; } = "";

        [Required(ErrorMessage = "{0} is required."), StringLength(500)]
        [Display(Name = "Message")]
        public string Message { get; set; } = "";
    }
}
