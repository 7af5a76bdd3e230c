using System.Security.Cryptography;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Heroku.AspNetCore.Tests.Postgres;

/// <summary>With a database, the key ring lives in it (AddHerokuPostgres), each key encrypted with SECRET_KEY.</summary>
public sealed class StoredKeyRingTests(PostgresServer postgres)
{
    // An app on the database, as an app's Program.cs sets one up; its tables made as migrate would make them.
    private static async Task<WebApplication> AppAsync(string databaseUrl, string secretKey = TestSettings.SecretKey, ListLoggerProvider? logs = null)
    {
        var builder = TestApps.CreateBuilder();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        builder.AddHeroku(TestSettings.Heroku(secretKey));
        builder.AddHerokuPostgres<TestDbContext>(TestSettings.Database(databaseUrl));
        var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TestDbContext>().Database.EnsureCreatedAsync();
        return app;
    }

    private static async Task<List<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>> StoredKeysAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TestDbContext>().DataProtectionKeys.ToListAsync();
    }

    [Fact]
    public async Task Keys_are_stored_in_the_database_and_read_back_by_another_instance()
    {
        var url = await postgres.CreateDatabaseAsync("keyring");
        await using var first = await AppAsync(url);

        var cookie = first.Services.GetDataProtector("tests").Protect("signed in as alice");
        Assert.NotEmpty(await StoredKeysAsync(first));

        // A second instance on the same database and SECRET_KEY: a second dyno, or this one restarted.
        await using var second = await AppAsync(url);

        Assert.Equal("signed in as alice", second.Services.GetDataProtector("tests").Unprotect(cookie));
    }

    [Fact]
    public async Task Keys_are_stored_in_the_database_encrypted_with_the_secret_key()
    {
        var url = await postgres.CreateDatabaseAsync("keyring");
        await using var app = await AppAsync(url);

        app.Services.GetDataProtector("tests").Protect("first use");
        var keys = await StoredKeysAsync(app);

        Assert.NotEmpty(keys);
        Assert.All(keys, key =>
        {
            Assert.Contains("encryptedKey", key.Xml);
            Assert.DoesNotContain("<masterKey", key.Xml);
        });
    }

    [Fact]
    public async Task An_instance_with_another_secret_key_cannot_use_the_stored_keys()
    {
        var url = await postgres.CreateDatabaseAsync("keyring");
        await using var first = await AppAsync(url);
        var cookie = first.Services.GetDataProtector("tests").Protect("signed in as alice");

        // A copy of the database alone (or a rotated SECRET_KEY) cannot read what the keys protected.
        await using var other = await AppAsync(url, "another-secret-key-0123456789abcdefghij");

        Assert.ThrowsAny<CryptographicException>(() => other.Services.GetDataProtector("tests").Unprotect(cookie));
    }

    [Fact]
    public async Task A_key_under_another_secret_key_is_logged_as_the_explained_mismatch_and_a_new_key_is_made()
    {
        var url = await postgres.CreateDatabaseAsync("keyring_rotated");
        await using (var first = await AppAsync(url))
        {
            first.Services.GetDataProtector("tests").Protect("made under the first SECRET_KEY");
        }
        var logs = new ListLoggerProvider();
        await using var rotated = await AppAsync(url, "another-secret-key-0123456789abcdefghij", logs);

        var protector = rotated.Services.GetDataProtector("tests");
        Assert.Equal("works", protector.Unprotect(protector.Protect("works")));

        // Data Protection logs our exception itself, which the app's log shows as one line with what to do.
        var failures = logs.Lines.Where(line => line.Level == LogLevel.Error).Select(line => line.Text).ToList();
        Assert.NotEmpty(failures);
        Assert.All(failures, line => Assert.Contains(
            $"{typeof(SecretKeyMismatchException).FullName}: A Data Protection key could not be decrypted: it was stored under a different SECRET_KEY.", line));
        Assert.Equal(2, (await StoredKeysAsync(rotated)).Count);
    }
}
