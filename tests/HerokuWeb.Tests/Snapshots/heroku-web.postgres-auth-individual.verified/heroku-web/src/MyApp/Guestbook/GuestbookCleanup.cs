using Microsoft.EntityFrameworkCore;
using MyApp.Data;

namespace MyApp.Guestbook;

/// <summary>
/// A recurring job (Program.cs declares its schedule): the guestbook shows its latest entries only, so entries
/// older than <see cref="KeepFor"/> are deleted, and the table stays small.
/// </summary>
public sealed class GuestbookCleanup(AppDbContext db, ILogger<GuestbookCleanup> logger)
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(30);

    public async Task DeleteOldEntriesAsync(CancellationToken cancellationToken)
    {
        var cutoff = DateTimeOffset.UtcNow - KeepFor;
        var deleted = await db.GuestbookEntries.Where(entry => entry.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Deleted {Count} guestbook entries older than {Days} days.", deleted, KeepFor.TotalDays);
    }
}
