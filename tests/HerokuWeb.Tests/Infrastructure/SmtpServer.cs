using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>How an <see cref="SmtpServer"/> encrypts: not at all, after STARTTLS, or from the first byte.</summary>
public enum SmtpTls
{
    None,
    StartTls,
    Implicit,
}

/// <summary>
/// A real SMTP server for one test: aiosmtpd (Debian's python3-aiosmtpd) on a free port of 127.0.0.1, with a
/// throwaway self-signed certificate for localhost and 127.0.0.1 when it offers TLS, and a login when asked (and no AUTH before TLS otherwise).
/// <see cref="Received"/> lists what it accepted; each message is on disk before the server answers 250, so a
/// send that returned has its message there.
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private const string InstallHint = "Install aiosmtpd for the system's Python 3 (Debian/Ubuntu: apt-get install python3-aiosmtpd).";

    private readonly Process _process;
    private readonly Task<string> _errors;
    private readonly TemporaryDirectory _directory;

    private SmtpServer(Process process, Task<string> errors, TemporaryDirectory directory, int port, X509Certificate2 certificate)
    {
        _process = process;
        _errors = errors;
        _directory = directory;
        Port = port;
        Certificate = certificate;
    }

    /// <summary>The port it listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Its self-signed certificate, which no machine trusts unless told to.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// Starts a server that encrypts as <paramref name="tls"/> says, and requires <paramref name="login"/> when given;
    /// its certificate is for <paramref name="certificateHost"/> (and 127.0.0.1 when that is localhost). The first
    /// <paramref name="hold"/> messages it never answers, as a server that hangs in the middle of a send (<see cref="Held"/>).
    /// </summary>
    public static async Task<SmtpServer> StartAsync(SmtpTls tls, (string User, string Password)? login = null, string certificateHost = "localhost", int hold = 0)
    {
        var directory = TemporaryDirectory.Create("smtp-server-");
        var certificate = CreateCertificate(certificateHost);
        var (certificatePath, keyPath) = (Path.Combine(directory.Path, "cert.pem"), Path.Combine(directory.Path, "key.pem"));
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var maildir = Directory.CreateDirectory(Path.Combine(directory.Path, "mail")).FullName;

        List<string> arguments = [Path.Combine(AppContext.BaseDirectory, "smtp_server.py"), "--maildir", maildir,
            "--tls", tls switch { SmtpTls.StartTls => "starttls", SmtpTls.Implicit => "implicit", _ => "none" },
            "--cert", certificatePath, "--key", keyPath, "--hold", hold.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (login is var (user, password))
        {
            arguments.AddRange(["--login", user, "--password", password]);
        }
        // Debian's Python, where apt installs aiosmtpd, ahead of any other python3 on PATH.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var process = Process.Start(ProcessRunner.StartInfo(python, arguments, directory.Path, environment: null, clean: false))
            ?? throw new InvalidOperationException($"Could not start {python}.");
        // Read all along, so the server never blocks on a full pipe.
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null || !line.StartsWith("port ", StringComparison.Ordinal))
            {
                process.Kill();
                var error = await errors;
                throw new InvalidOperationException($"The test SMTP server did not start: {error}"
                    + (error.Contains("aiosmtpd", StringComparison.Ordinal) ? $" {InstallHint}" : ""));
            }
            return new SmtpServer(process, errors, directory, int.Parse(line["port ".Length..], System.Globalization.CultureInfo.InvariantCulture), certificate);
        }
        catch
        {
            process.Kill();
            process.Dispose();
            directory.Dispose();
            throw;
        }
    }

    /// <summary>How many messages it has held without an answer so far.</summary>
    public int Held => Directory.GetFiles(Path.Combine(_directory.Path, "mail"), "held-*").Length;

    /// <summary>Every message it accepted, in order.</summary>
    public IReadOnlyList<ReceivedMessage> Received => [.. Directory.GetFiles(Path.Combine(_directory.Path, "mail"), "*.json").Order(StringComparer.Ordinal)
        .Select(path =>
        {
            using var details = JsonDocument.Parse(File.ReadAllText(path));
            var root = details.RootElement;
            return new ReceivedMessage(root.GetProperty("from").GetString()!, [.. root.GetProperty("to").EnumerateArray().Select(to => to.GetString()!)],
                root.GetProperty("tls").GetBoolean(), root.GetProperty("login").GetString(), File.ReadAllBytes(Path.ChangeExtension(path, ".eml")));
        })];

    public async ValueTask DisposeAsync()
    {
        // Closing stdin stops it; killing is for a server that does not.
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
        await _errors;
        _process.Dispose();
        Certificate.Dispose();
        _directory.Dispose();
    }

    private static X509Certificate2 CreateCertificate(string host)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        if (host == "localhost")
        {
            names.AddIpAddress(IPAddress.Loopback);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server authentication
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}

/// <summary>A message the server accepted: its envelope, whether the session was encrypted, the login, and its bytes.</summary>
public sealed record ReceivedMessage(string From, IReadOnlyList<string> To, bool Tls, string? Login, byte[] Data);
