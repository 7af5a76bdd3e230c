using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MyApp.Data;
using MyApp.Guestbook;

namespace MyApp.Tests.Data;

public sealed class GuestbookCleanupTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_cleanup_deletes_entries_older_than_it_keeps_and_leaves_the_rest()
    {
        await using var scope = database.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var (old, recent) = ($"Old {Guid.NewGuid():N}", $"Recent {Guid.NewGuid():N}");
        db.GuestbookEntries.AddRange(
            new GuestbookEntry { Name = old, Message = "Long ago", CreatedAt = DateTimeOffset.UtcNow - GuestbookCleanup.KeepFor - TimeSpan.FromDays(1) },
            new GuestbookEntry { Name = recent, Message = "Just now", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync(Cancellation);

        // What the worker runs on the schedule in Program.cs.
        await ActivatorUtilities.CreateInstance<GuestbookCleanup>(scope.ServiceProvider).DeleteOldEntriesAsync(Cancellation);

        var names = await db.GuestbookEntries.AsNoTracking().Select(entry => entry.Name).ToListAsync(Cancellation);
        Assert.DoesNotContain(old, names);
        Assert.Contains(recent, names);
    }
}
