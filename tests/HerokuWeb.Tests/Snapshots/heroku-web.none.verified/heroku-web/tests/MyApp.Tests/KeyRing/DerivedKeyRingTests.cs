using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using MyApp.KeyRing;

namespace MyApp.Tests.KeyRing;

public sealed class DerivedKeyRingTests
{
    private const string Secret = "derived-secret-key-0123456789abcdefghij";

    // One service provider per "dyno": nothing is shared between them but SECRET_KEY.
    private static IDataProtector Dyno(string secretKey) =>
        new ServiceCollection()
            .AddDataProtection().SetApplicationName(KeyRingExtensions.ApplicationName).UseKeyDerivedFromSecretKey(secretKey)
            .Services.BuildServiceProvider()
            .GetDataProtector("tests");

    [Fact]
    public void What_one_dyno_protects_another_with_the_same_secret_key_can_read()
    {
        var cookie = Dyno(Secret).Protect("signed in as alice");

        Assert.Equal("signed in as alice", Dyno(Secret).Unprotect(cookie));
    }

    [Fact]
    public void A_different_secret_key_cannot_read_it()
    {
        var cookie = Dyno(Secret).Protect("signed in as alice");

        Assert.ThrowsAny<CryptographicException>(() => Dyno("another-secret-key-0123456789abcdefghij").Unprotect(cookie));
    }

    [Fact]
    public void The_key_ring_is_never_written()
    {
        var repository = new DerivedKeyRepository(Secret);

        Assert.Single(repository.GetAllElements());
        Assert.Throws<InvalidOperationException>(() => repository.StoreElement(new("key"), "new"));
    }
}
