using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Heroku.AspNetCore;

internal static class SecretKeyEncryptionExtensions
{
    /// <summary>
    /// Encrypts every key in the key ring with a key derived from SECRET_KEY before it is stored,
    /// so a copy of the database alone cannot forge or read cookies.
    /// </summary>
    public static IDataProtectionBuilder ProtectKeysWithSecretKey(this IDataProtectionBuilder builder)
    {
        builder.Services.AddSingleton(services => new SecretKeyCipher(services.GetRequiredService<HerokuSettings>().SecretKey));
        builder.Services.AddOptions<KeyManagementOptions>().Configure<SecretKeyCipher>(
            (options, cipher) => options.XmlEncryptor = new SecretKeyXmlEncryptor(cipher));
        return builder;
    }
}

/// <summary>AES-GCM with a key derived from SECRET_KEY by HKDF.</summary>
internal sealed class SecretKeyCipher(string secretKey)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key = HKDF.DeriveKey(
        HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secretKey), outputLength: 32,
        salt: [], info: "Data Protection key ring encryption v1"u8.ToArray());

    public byte[] Encrypt(byte[] plaintext)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize));
        return output;
    }

    public byte[] Decrypt(byte[] encrypted)
    {
        if (encrypted.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("A Data Protection key is damaged: its encrypted form is too short.");
        }
        var plaintext = new byte[encrypted.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        try
        {
            aes.Decrypt(encrypted.AsSpan(0, NonceSize), encrypted.AsSpan(NonceSize + TagSize),
                encrypted.AsSpan(NonceSize, TagSize), plaintext);
        }
        catch (AuthenticationTagMismatchException exception)
        {
            throw new SecretKeyMismatchException(exception);
        }
        return plaintext;
    }
}

internal sealed class SecretKeyXmlEncryptor(SecretKeyCipher cipher) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var element = new XElement("encryptedKey",
            new XComment(" Encrypted with a key derived from SECRET_KEY. "),
            new XElement("value", Convert.ToBase64String(cipher.Encrypt(plaintext))));
        return new EncryptedXmlInfo(element, typeof(SecretKeyXmlDecryptor));
    }
}

/// <summary>
/// Created by Data Protection from the type name stored beside each key. It passes nothing but the
/// service provider, so the cipher comes from there.
/// </summary>
internal sealed class SecretKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly SecretKeyCipher _cipher = services.GetRequiredService<SecretKeyCipher>();

    public XElement Decrypt(XElement encryptedElement)
    {
        var encrypted = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
        return XElement.Parse(Encoding.UTF8.GetString(_cipher.Decrypt(encrypted)));
    }
}

/// <summary>
/// A key stored under another SECRET_KEY: expected after SECRET_KEY changes, so its message says what follows
/// and the log leaves out the stack trace, which shows only where Data Protection met it.
/// </summary>
internal sealed class SecretKeyMismatchException(Exception inner) : CryptographicException(
    "A Data Protection key could not be decrypted: it was stored under a different SECRET_KEY. It is ignored, and what it "
    + "protected (cookies, form tokens) no longer opens. After a change of SECRET_KEY, delete the key's row from "
    + "data_protection_keys (friendly_name is key-<its id>) once no process uses the old one; otherwise, give every process the same SECRET_KEY.",
    inner), IExplainedException;
