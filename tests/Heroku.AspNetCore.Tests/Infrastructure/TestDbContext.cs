using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Heroku.AspNetCore.Tests;

/// <summary>The smallest DbContext AddHerokuPostgres accepts: one that can hold the key ring.</summary>
public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
}
