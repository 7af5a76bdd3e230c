using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using HerokuApp._1.Guestbook;

namespace HerokuApp._1.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<GuestbookEntry> GuestbookEntries => Set<GuestbookEntry>();

    /// <summary>The Data Protection key ring, shared by every dyno (stored here by AddHerokuPostgres in Program.cs).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
}
