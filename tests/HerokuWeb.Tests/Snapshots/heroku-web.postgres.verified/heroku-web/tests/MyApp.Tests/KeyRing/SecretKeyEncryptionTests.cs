using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using MyApp.KeyRing;

namespace MyApp.Tests.KeyRing;

public sealed class SecretKeyEncryptionTests
{
    private static readonly XElement Key = new("key", new XElement("masterKey", "c2VjcmV0LW1hdGVyaWFs"));

    [Fact]
    public void A_key_encrypted_with_the_secret_key_decrypts_with_it()
    {
        var cipher = new SecretKeyCipher("first-secret-key-0123456789abcdefghij");

        var encrypted = new SecretKeyXmlEncryptor(cipher).Encrypt(Key);

        Assert.DoesNotContain("c2VjcmV0LW1hdGVyaWFs", encrypted.EncryptedElement.ToString());
        Assert.Equal(Key.ToString(), Decryptor(cipher).Decrypt(encrypted.EncryptedElement).ToString());
    }

    [Fact]
    public void Another_secret_key_cannot_decrypt_it_and_says_why()
    {
        var encrypted = new SecretKeyXmlEncryptor(new SecretKeyCipher("first-secret-key-0123456789abcdefghij")).Encrypt(Key);
        var other = Decryptor(new SecretKeyCipher("other-secret-key-0123456789abcdefghij"));

        var exception = Assert.Throws<CryptographicException>(() => other.Decrypt(encrypted.EncryptedElement));
        Assert.Contains("SECRET_KEY", exception.Message);
    }

    // Data Protection creates decryptors itself, giving them only the service provider.
    private static SecretKeyXmlDecryptor Decryptor(SecretKeyCipher cipher) =>
        new(new ServiceCollection().AddSingleton(cipher).BuildServiceProvider());
}
