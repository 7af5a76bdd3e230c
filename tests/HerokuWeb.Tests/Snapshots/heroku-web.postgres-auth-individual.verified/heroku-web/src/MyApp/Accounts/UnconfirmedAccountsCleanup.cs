using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MyApp.Data;

namespace MyApp.Accounts;

/// <summary>
/// A recurring job (Program.cs declares its schedule): an account whose confirmation link has expired unfollowed is
/// deleted, so no one holds an address they cannot read, and its owner may sign up with it again.
/// </summary>
public sealed class UnconfirmedAccountsCleanup(AppDbContext db, IOptions<DataProtectionTokenProviderOptions> tokens, ILogger<UnconfirmedAccountsCleanup> logger)
{
    public async Task DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        // The confirmation link's lifetime (a day, Identity's default): an account older than that has no link that works.
        var lifespan = tokens.Value.TokenLifespan;
        var cutoff = DateTimeOffset.UtcNow - lifespan;
        var deleted = await db.Users.Where(user => !user.EmailConfirmed && user.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Deleted {Count} accounts unconfirmed after {Hours} hours.", deleted, lifespan.TotalHours);
    }
}
