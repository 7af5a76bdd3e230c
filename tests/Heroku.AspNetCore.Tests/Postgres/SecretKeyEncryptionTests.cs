using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;

namespace Heroku.AspNetCore.Tests.Postgres;

public sealed class SecretKeyEncryptionTests
{
    private const string Secret = "first-secret-key-0123456789abcdefghij";

    // The cipher's layout: a 12-byte nonce, a 16-byte tag, then the ciphertext.
    private const int NonceSize = 12;

    private static readonly XElement Key = new("key", new XElement("masterKey", "c2VjcmV0LW1hdGVyaWFs"));

    [Fact]
    public void A_key_encrypted_with_the_secret_key_decrypts_with_it()
    {
        var cipher = new SecretKeyCipher(Secret);

        var encrypted = new SecretKeyXmlEncryptor(cipher).Encrypt(Key);

        Assert.DoesNotContain("c2VjcmV0LW1hdGVyaWFs", encrypted.EncryptedElement.ToString());
        Assert.Equal(Key.ToString(), Decryptor(cipher).Decrypt(encrypted.EncryptedElement).ToString());
    }

    [Fact]
    public void Another_secret_key_cannot_decrypt_it_and_says_why()
    {
        var encrypted = new SecretKeyXmlEncryptor(new SecretKeyCipher(Secret)).Encrypt(Key);
        var other = Decryptor(new SecretKeyCipher("other-secret-key-0123456789abcdefghij"));

        var exception = Assert.Throws<SecretKeyMismatchException>(() => other.Decrypt(encrypted.EncryptedElement));
        Assert.Contains("stored under a different SECRET_KEY", exception.Message);
        Assert.IsAssignableFrom<CryptographicException>(exception);
    }

    [Fact]
    public void The_cipher_never_encrypts_twice_with_the_same_nonce()
    {
        // AES-GCM under one key with a repeated nonce leaks the XOR of the plaintexts and lets the tag be forged.
        var cipher = new SecretKeyCipher(Secret);
        byte[] plaintext = [1, 2, 3, 4, 5, 6, 7, 8];

        var first = cipher.Encrypt(plaintext);
        var second = cipher.Encrypt(plaintext);

        Assert.NotEqual(first[..NonceSize], second[..NonceSize]);
        Assert.Equal(plaintext, cipher.Decrypt(second));
    }

    [Fact]
    public void A_truncated_key_is_refused_as_damaged()
    {
        var exception = Assert.Throws<CryptographicException>(() => new SecretKeyCipher(Secret).Decrypt(new byte[NonceSize]));

        Assert.Contains("damaged", exception.Message);
    }

    // Data Protection creates decryptors itself, giving them only the service provider.
    private static SecretKeyXmlDecryptor Decryptor(SecretKeyCipher cipher) =>
        new(new ServiceCollection().AddSingleton(cipher).BuildServiceProvider());
}
