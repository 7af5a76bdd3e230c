using Microsoft.AspNetCore.Identity;

namespace MyApp.Accounts;

/// <summary>
/// Someone with an account: ASP.NET Core Identity's user (email, password hash, passkeys, two-factor, lockout), stored
/// by Data/AppDbContext.cs. Add what your app keeps about people here, then a migration.
/// </summary>
public sealed class AppUser : IdentityUser
{
    /// <summary>When the account signed up: one never confirmed is deleted a day later (UnconfirmedAccountsCleanup.cs).</summary>
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
