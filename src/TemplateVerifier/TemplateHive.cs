using System.Collections.Concurrent;

namespace TemplateVerifier;

/// <summary>
/// A throwaway template engine settings directory (<c>dotnet new --debug:custom-hive</c>) in a fresh
/// temporary directory, so tests never read or change the user's own templates (<c>~/.templateengine</c>).
/// Install a template package once and instantiate it as often as needed; disposing deletes the hive
/// and every output directory it created.
/// </summary>
/// <remarks>
/// Commands against one hive are serialised: the template engine keeps its cache in the hive and
/// nothing promises that concurrent <c>dotnet new</c> processes may share it.
/// </remarks>
public sealed class TemplateHive : IAsyncDisposable
{
    // Keyed by hive path, so the verification engine (which only knows the path) shares the lock.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);

    private readonly TemporaryDirectory _root = TemporaryDirectory.Create("template-verifier-hive-");
    private int _outputCounter;
    private bool _disposed;

    internal TemplateHive()
    {
        Location = Path.Combine(_root.Path, "hive");
        Directory.CreateDirectory(Location);
    }

    /// <summary>The hive directory: pass it to <c>--debug:custom-hive</c> or <see cref="TemplateVerifierOptions.SettingsDirectory"/>.</summary>
    public string Location { get; }

    /// <summary>Creates a hive and installs <paramref name="templatePackagePath"/> into it.</summary>
    /// <param name="templatePackagePath">A template package (<c>.nupkg</c>) or a template folder.</param>
    /// <param name="cancellationToken">Cancels the install.</param>
    /// <exception cref="TemplateVerificationException">The install failed (<see cref="TemplateVerificationErrorCode.InstallFailed"/>).</exception>
    public static async Task<TemplateHive> CreateAsync(string templatePackagePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(templatePackagePath);
        var fullPath = Path.GetFullPath(templatePackagePath);
        if (!File.Exists(fullPath) && !Directory.Exists(fullPath))
        {
            throw new TemplateVerificationException($"Template package '{fullPath}' does not exist.", TemplateVerificationErrorCode.InstallFailed);
        }

        var hive = new TemplateHive();
        try
        {
            var result = await RunInHiveAsync(hive.Location, ["install", fullPath], hive._root.Path, cancellationToken).ConfigureAwait(false);

            // A folder or package without templates "installs" with exit code 0.
            var noTemplates = result.StandardOutput.Contains("No templates were found", StringComparison.OrdinalIgnoreCase);
            if (!result.Succeeded || noTemplates)
            {
                var reason = noTemplates ? "it contains no templates" : "the command failed";
                throw new TemplateVerificationException(
                    $"Installing template package '{fullPath}' failed: {reason}. {result}", TemplateVerificationErrorCode.InstallFailed);
            }

            return hive;
        }
        catch
        {
            await hive.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs <c>dotnet new &lt;shortName&gt; &lt;args&gt; --debug:custom-hive &lt;hive&gt; --no-update-check</c>
    /// with <paramref name="outputDirectory"/> as working directory. Nothing is added to the arguments, so
    /// <c>dotnet new</c>'s own rules apply: the output lands in that directory unless <c>-o</c> says otherwise
    /// (or <c>-n</c> is given to a template with <c>preferNameDirectory</c>, which then creates a subdirectory;
    /// pass <c>-o .</c> to avoid that), and without <c>-n</c> the name is the directory's name.
    /// </summary>
    /// <param name="shortName">The template's short name.</param>
    /// <param name="args">Template and <c>dotnet new</c> arguments.</param>
    /// <param name="outputDirectory">Where to run; created if missing. When null, a fresh directory under the
    /// hive's temporary root (outside any repository), deleted when the hive is disposed.</param>
    /// <param name="ensureSuccess">When true (the default), throw if the command failed.</param>
    /// <param name="cancellationToken">Kills <c>dotnet new</c> when cancelled.</param>
    /// <returns>The result; its <see cref="ProcessResult.WorkingDirectory"/> is the output directory.</returns>
    /// <exception cref="TemplateVerificationException">The command failed and <paramref name="ensureSuccess"/> is true (<see cref="TemplateVerificationErrorCode.InstantiationFailed"/>).</exception>
    public async Task<ProcessResult> InstantiateAsync(
        string shortName,
        IEnumerable<string>? args = null,
        string? outputDirectory = null,
        bool ensureSuccess = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(shortName);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var directory = outputDirectory is null ? CreateOutputDirectory() : Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(directory);

        var result = await RunInHiveAsync(Location, [shortName, .. args ?? [], "--no-update-check"], directory, cancellationToken).ConfigureAwait(false);
        if (ensureSuccess && !result.Succeeded)
        {
            throw new TemplateVerificationException($"Instantiating template '{shortName}' failed: {result}", TemplateVerificationErrorCode.InstantiationFailed);
        }

        return result;
    }

    /// <summary>
    /// Runs any <c>dotnet new</c> command against this hive, such as <c>["heroku-web", "--help"]</c>;
    /// <c>--debug:custom-hive</c> is appended. Does not throw on failure.
    /// </summary>
    public Task<ProcessResult> RunDotnetNewAsync(IEnumerable<string> args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return RunInHiveAsync(Location, args, _root.Path, cancellationToken);
    }

    /// <summary>Runs <c>dotnet new &lt;args&gt; --debug:custom-hive &lt;hive&gt;</c>, one command per hive at a time.</summary>
    internal static async Task<ProcessResult> RunInHiveAsync(string hiveLocation, IEnumerable<string> args, string workingDirectory, CancellationToken cancellationToken)
    {
        var hive = Path.GetFullPath(hiveLocation);
        var gate = Locks.GetOrAdd(hive, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await DotnetCli.RunAsync(["new", .. args, "--debug:custom-hive", hive], workingDirectory, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Creates a fresh, empty directory under the hive's temporary root; deleted with the hive.</summary>
    public string CreateOutputDirectory()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var path = Path.Combine(_root.Path, "output-" + Interlocked.Increment(ref _outputCounter).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes the hive and every output directory it created.</summary>
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            Locks.TryRemove(Location, out _);
            _root.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
