using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Heroku.AspNetCore;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using MyApp.Data;
using MyApp.Guestbook;

namespace MyApp.Pages;

// Anyone may post: a client address gets FORM_POSTS_PER_MINUTE posts a minute (by default 10, and 1,000 in Development), then 429.
[EnableRateLimiting(RateLimits.PublicForm)]
public sealed class GuestbookModel(AppDbContext db) : PageModel
{
    private const int ShownEntries = 20;

    [BindProperty]
    public SignInput Input { get; set; } = new();

    public IReadOnlyList<GuestbookEntry> Entries { get; private set; } = [];

    /// <summary>Survives the redirect in a cookie that Data Protection encrypts, so any dyno can read it.</summary>
    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Entries = await LatestEntriesAsync(cancellationToken);

    // Razor Pages checks the antiforgery token of every POST before this runs.
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            Entries = await LatestEntriesAsync(cancellationToken);
            return Page();
        }

        db.GuestbookEntries.Add(new GuestbookEntry
        {
            Name = Input.Name.Trim(),
            Message = Input.Message.Trim(),
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(cancellationToken);
        Notice = $"Thanks for signing, {Input.Name.Trim()}.";

        // Post/Redirect/Get: a refresh does not sign twice.
        return RedirectToPage();
    }

    private async Task<IReadOnlyList<GuestbookEntry>> LatestEntriesAsync(CancellationToken cancellationToken) =>
        await db.GuestbookEntries.AsNoTracking()
            .OrderByDescending(entry => entry.CreatedAt)
            .Take(ShownEntries)
            .ToListAsync(cancellationToken);

    public sealed class SignInput
    {
        [Required(ErrorMessage = "{0} is required."), StringLength(GuestbookEntry.NameMaxLength)]
        [Display(Name = "Your name")]
        public string Name { get; set; } = "";

        [Required(ErrorMessage = "{0} is required."), StringLength(GuestbookEntry.MessageMaxLength)]
        [Display(Name = "Message")]
        public string Message { get; set; } = "";
    }
}
