using MyApp.Data;
using MyApp.Tests.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MyApp.Tests.KeyRing;

public sealed class StoredKeyRingTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Keys_are_stored_in_the_database_and_read_back_by_another_instance()
    {
        var cookie = database.App.Services.GetDataProtector("tests").Protect("signed in as alice");
        await using (var scope = database.App.Services.CreateAsyncScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<AppDbContext>().DataProtectionKeys;
            Assert.True(await keys.AnyAsync(TestContext.Current.CancellationToken), "No key was stored in the database.");
        }

        // A second instance on the same database and SECRET_KEY: a second dyno, or this one restarted.
        await using var other = new AppFactory();

        Assert.Equal("signed in as alice", other.Services.GetDataProtector("tests").Unprotect(cookie));
    }

    [Fact]
    public async Task Keys_are_stored_in_the_database_encrypted_with_the_secret_key()
    {
        database.App.Services.GetDataProtector("tests").Protect("first use");

        await using var scope = database.App.Services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<AppDbContext>().DataProtectionKeys.ToListAsync(TestContext.Current.CancellationToken);

        Assert.NotEmpty(keys);
        Assert.All(keys, key =>
        {
            Assert.Contains("encryptedKey", key.Xml);
            Assert.DoesNotContain("<masterKey", key.Xml);
        });
    }
}
