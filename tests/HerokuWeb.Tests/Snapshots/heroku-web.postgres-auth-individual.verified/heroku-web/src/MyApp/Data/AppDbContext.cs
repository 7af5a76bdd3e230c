using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using MyApp.Accounts;
using MyApp.Guestbook;

namespace MyApp.Data;

/// <summary>The app's database: its own tables, the accounts' (ASP.NET Core Identity's, passkeys included) and the key ring's.</summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    public DbSet<GuestbookEntry> GuestbookEntries => Set<GuestbookEntry>();

    /// <summary>The Data Protection key ring, shared by every dyno (stored here by AddHerokuPostgres in Program.cs).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Identity names its tables AspNetUsers and so on, and some indexes EmailIndex: snake_case names, like every other here.
        builder.Entity<AppUser>(user =>
        {
            user.ToTable("users");
            user.HasIndex(entity => entity.NormalizedEmail).HasDatabaseName("ix_users_normalized_email");
            user.HasIndex(entity => entity.NormalizedUserName).HasDatabaseName("ix_users_normalized_user_name");
        });
        builder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        builder.Entity<IdentityUserPasskey<string>>().ToTable("user_passkeys");
        builder.Entity<IdentityRole>(role =>
        {
            role.ToTable("roles");
            role.HasIndex(entity => entity.NormalizedName).HasDatabaseName("ix_roles_normalized_name");
        });
        builder.Entity<IdentityRoleClaim<string>>().ToTable("role_claims");
        builder.Entity<IdentityUserRole<string>>().ToTable("user_roles");
    }
}
