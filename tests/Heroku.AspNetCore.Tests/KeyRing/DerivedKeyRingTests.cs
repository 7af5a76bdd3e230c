using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Heroku.AspNetCore.Tests.KeyRing;

public sealed class DerivedKeyRingTests
{
    private const string Secret = "derived-secret-key-0123456789abcdefghij";

    // One app per "dyno", set up as AddHeroku sets it up: nothing is shared between them but SECRET_KEY.
    private static WebApplication Dyno(string secretKey, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku(secretKey));
        configure?.Invoke(builder);
        return builder.Build();
    }

    [Fact]
    public async Task What_one_dyno_protects_another_with_the_same_secret_key_can_read()
    {
        await using var first = Dyno(Secret);
        await using var second = Dyno(Secret);

        var cookie = first.Services.GetDataProtector("tests").Protect("signed in as alice");

        Assert.Equal("signed in as alice", second.Services.GetDataProtector("tests").Unprotect(cookie));
    }

    [Fact]
    public async Task A_different_secret_key_cannot_read_it()
    {
        await using var first = Dyno(Secret);
        await using var other = Dyno("another-secret-key-0123456789abcdefghij");

        var cookie = first.Services.GetDataProtector("tests").Protect("signed in as alice");

        Assert.ThrowsAny<CryptographicException>(() => other.Services.GetDataProtector("tests").Unprotect(cookie));
    }

    [Fact]
    public void The_key_ring_is_never_written()
    {
        var repository = new DerivedKeyRepository(Secret);

        Assert.Single(repository.GetAllElements());
        Assert.Throws<InvalidOperationException>(() => repository.StoreElement(new("key"), "new"));
    }

    [Fact]
    public async Task Without_a_place_to_store_keys_the_key_ring_is_derived_and_never_generates_keys()
    {
        await using var app = Dyno(Secret);

        var options = app.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;

        Assert.IsType<DerivedKeyRepository>(options.XmlRepository);
        Assert.False(options.AutoGenerateKeys);
    }

    [Fact]
    public async Task Keys_stored_somewhere_are_used_instead_of_the_derived_one()
    {
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            await using var app = Dyno(Secret, builder => builder.Services.AddDataProtection().PersistKeysToFileSystem(directory));

            var options = app.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;

            Assert.IsType<FileSystemXmlRepository>(options.XmlRepository);
            Assert.True(options.AutoGenerateKeys);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
