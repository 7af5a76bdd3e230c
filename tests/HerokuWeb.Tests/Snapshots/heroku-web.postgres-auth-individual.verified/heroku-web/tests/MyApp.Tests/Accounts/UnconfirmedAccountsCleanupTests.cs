using MyApp.Accounts;
using MyApp.Data;
using MyApp.Tests.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static MyApp.Tests.Accounts.AccountsKit;

namespace MyApp.Tests.Accounts;

public sealed class UnconfirmedAccountsCleanupTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_cleanup_deletes_accounts_unconfirmed_after_the_confirmation_links_lifetime_and_leaves_the_rest()
    {
        await using var scope = database.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var lifespan = scope.ServiceProvider.GetRequiredService<IOptions<DataProtectionTokenProviderOptions>>().Value.TokenLifespan;
        var expired = DateTimeOffset.UtcNow - lifespan - TimeSpan.FromMinutes(1);
        var (stale, recent, confirmed) = (NewAddress("stale"), NewAddress("recent"), NewAddress("confirmed"));
        foreach (var (email, createdAt, isConfirmed) in new[] { (stale, expired, false), (recent, DateTimeOffset.UtcNow, false), (confirmed, expired, true) })
        {
            var user = await CreateUserAsync(database.App.Services, email, isConfirmed);
            await db.Users.Where(row => row.Id == user.Id).ExecuteUpdateAsync(row => row.SetProperty(u => u.CreatedAt, createdAt), Cancellation);
        }

        // What the worker runs on the schedule in Program.cs.
        await ActivatorUtilities.CreateInstance<UnconfirmedAccountsCleanup>(scope.ServiceProvider).DeleteExpiredAsync(Cancellation);

        var left = await db.Users.AsNoTracking().Select(user => user.Email).ToListAsync(Cancellation);
        Assert.DoesNotContain(stale, left);
        Assert.Contains(recent, left);
        Assert.Contains(confirmed, left);
    }
}
