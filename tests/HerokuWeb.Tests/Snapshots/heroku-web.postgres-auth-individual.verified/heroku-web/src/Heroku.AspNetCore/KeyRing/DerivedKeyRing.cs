using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Heroku.AspNetCore;

/// <summary>
/// A read-only key ring holding one Data Protection key derived from SECRET_KEY (HKDF) instead of stored,
/// rotating keys. Every dyno and every restart derives the same key, so cookies and antiforgery tokens keep
/// working with nothing stored anywhere; changing SECRET_KEY invalidates them all, like Django's SECRET_KEY.
/// </summary>
internal sealed class DerivedKeyRepository(string secretKey) : IXmlRepository
{
    // Fixed dates: the key must be identical on every dyno. It never expires; rotate SECRET_KEY instead.
    private static readonly DateTimeOffset Created = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Expires = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly XElement _key = CreateKey(secretKey);

    public IReadOnlyCollection<XElement> GetAllElements() => [new XElement(_key)];

    public void StoreElement(XElement element, string friendlyName) =>
        throw new InvalidOperationException("The key ring is derived from SECRET_KEY: keys are never generated or stored.");

    private static XElement CreateKey(string secretKey)
    {
        var secret = Encoding.UTF8.GetBytes(secretKey);
        var id = new Guid(HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 16, [], "Data Protection key id v1"u8.ToArray()));
        var masterKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 64, [], "Data Protection master key v1"u8.ToArray());

        var descriptor = new AuthenticatedEncryptorDescriptor(new AuthenticatedEncryptorConfiguration(), new Secret(masterKey)).ExportToXml();
        var date = (DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

        return new XElement("key",
            new XAttribute("id", id),
            new XAttribute("version", 1),
            new XElement("creationDate", date(Created)),
            new XElement("activationDate", date(Created)),
            new XElement("expirationDate", date(Expires)),
            new XElement("descriptor",
                new XAttribute("deserializerType", descriptor.DeserializerType.AssemblyQualifiedName!),
                descriptor.SerializedDescriptorElement));
    }
}
