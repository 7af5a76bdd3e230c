using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using MyApp.Guestbook;

namespace MyApp.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<GuestbookEntry> GuestbookEntries => Set<GuestbookEntry>();

    /// <summary>The Data Protection key ring, shared by every dyno (stored here by AddHerokuPostgres in Program.cs).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
}
