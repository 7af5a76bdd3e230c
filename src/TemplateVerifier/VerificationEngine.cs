using System.Runtime.CompilerServices;
using System.Text;

namespace TemplateVerifier;

/// <summary>
/// Instantiates a template with <c>dotnet new</c> and verifies the generated files (and optionally the
/// command's output) against a committed snapshot directory, like the official
/// <c>Microsoft.TemplateEngine.Authoring.TemplateVerifier.VerificationEngine</c>.
/// </summary>
/// <remarks>
/// <para>
/// Snapshots live in <c>&lt;SnapshotsDirectory&gt;/&lt;name&gt;.verified/</c>, one file per generated file
/// (plus <c>std-streams/stdout.txt</c> and <c>std-streams/stderr.txt</c> with
/// <see cref="TemplateVerifierOptions.VerifyCommandOutput"/>); see <see cref="GetScenarioName"/> for
/// <c>&lt;name&gt;</c>. Files are compared byte for byte, so line-ending changes are caught; only the std
/// streams have their line endings normalised to LF.
/// </para>
/// <para>
/// On a mismatch, or for a new scenario, the actual output is written to a sibling <c>&lt;name&gt;.received/</c>
/// directory and a <see cref="TemplateVerificationException"/> with a unified diff is thrown. To accept,
/// set the environment variable <c>Verify_AutoVerify</c> (<see cref="AutoVerifyEnvironmentVariable"/>) to
/// <c>true</c> or <c>1</c> and run again: the received output then replaces the verified directory (files
/// no longer generated are deleted) and the check passes. On a match, a stale <c>.received</c> directory is deleted.
/// </para>
/// <para>
/// Built-in scrubbing: the output directory and the hive directory paths are replaced with
/// <see cref="OutputDirectoryToken"/> and <see cref="SettingsDirectoryToken"/> in every text file and std stream.
/// Anything else non-deterministic needs a <see cref="ScrubbersDefinition"/>.
/// </para>
/// </remarks>
public sealed class VerificationEngine
{
    /// <summary>
    /// Set to <c>true</c> or <c>1</c> to accept received output into the verified directories.
    /// The name is Verify's (<c>Verify_&lt;Setting&gt;</c> environment variable convention), which the official
    /// TemplateVerifier builds on, so the same switch keeps working after moving to it.
    /// </summary>
    public const string AutoVerifyEnvironmentVariable = "Verify_AutoVerify";

    /// <summary>Replaces the output directory's path in scrubbed content.</summary>
    public const string OutputDirectoryToken = "{OutputDirectory}";

    /// <summary>Replaces the template engine hive's path in scrubbed content.</summary>
    public const string SettingsDirectoryToken = "{SettingsDirectory}";

    /// <summary>Directory of the std-stream files inside a snapshot (same as the official package).</summary>
    public const string StandardStreamsDirectory = "std-streams";

    private const string DefaultSnapshotsDirectory = "Snapshots";

    // Windows' invalid file name characters, used on every OS so snapshot names are portable.
    private static readonly char[] InvalidFileNameChars =
        [.. Enumerable.Range(0, 32).Select(i => (char)i), '"', '<', '>', '|', ':', '*', '?', '\\', '/'];

    private readonly Action<string>? _log;
    private readonly Func<string, string?> _getEnvironmentVariable;

    /// <summary>Creates an engine.</summary>
    /// <param name="log">Receives progress messages (commands run, snapshots accepted), e.g. a test output helper's WriteLine.</param>
    public VerificationEngine(Action<string>? log = null)
        : this(log, System.Environment.GetEnvironmentVariable)
    {
    }

    internal VerificationEngine(Action<string>? log, Func<string, string?> getEnvironmentVariable)
    {
        _log = log;
        _getEnvironmentVariable = getEnvironmentVariable;
    }

    /// <summary>
    /// Files left out of verification unless <see cref="TemplateVerifierOptions.DisableDefaultVerificationExcludePatterns"/>:
    /// build output (<c>bin/</c>, <c>obj/</c>) and binaries, as in the official package.
    /// </summary>
    public static IReadOnlyList<string> DefaultVerificationExcludePatterns { get; } = ["**/bin/**", "**/obj/**", "*.exe", "*.dll"];

    /// <summary>
    /// Instantiates the template and verifies the result against the snapshot.
    /// </summary>
    /// <param name="options">The scenario.</param>
    /// <param name="cancellationToken">Kills running commands when cancelled.</param>
    /// <param name="sourceFile">Filled in by the compiler; a relative <see cref="TemplateVerifierOptions.SnapshotsDirectory"/> is resolved against its directory.</param>
    /// <param name="callerMethod">Filled in by the compiler; prefixes the snapshot name unless <see cref="TemplateVerifierOptions.DoNotPrependCallerMethodNameToScenarioName"/>.</param>
    /// <exception cref="TemplateVerificationException">Instantiation failed (or passed when expected to fail), or the output does not match the snapshot.</exception>
    public async Task Execute(
        TemplateVerifierOptions options,
        CancellationToken cancellationToken = default,
        [CallerFilePath] string sourceFile = "",
        [CallerMemberName] string callerMethod = "")
    {
        ArgumentNullException.ThrowIfNull(options);
        var scenarioName = GetScenarioName(options, callerMethod);
        var snapshotsDirectory = ResolveSnapshotsDirectory(options, sourceFile);

        var workingDirectory = PrepareWorkingDirectory(options);
        var commandOptions = options.ToCommandOptions();
        var ownedHive = options.SettingsDirectory is null ? TemplateHive.CreateEmpty(commandOptions) : null;
        var hive = ownedHive?.Location ?? Path.GetFullPath(options.SettingsDirectory!);
        try
        {
            if (options.TemplatePath is not null)
            {
                await InstallAsync(options.TemplatePath, hive, commandOptions, cancellationToken).ConfigureAwait(false);
            }

            var result = await TemplateHive.RunInHiveAsync(hive, BuildInstantiationArgs(options), workingDirectory, commandOptions, cancellationToken).ConfigureAwait(false);
            _log?.Invoke($"{result.CommandLine} (in {workingDirectory}): exit code {result.ExitCode} after {result.Duration.TotalSeconds:0.0}s");
            CheckCommandOutcome(options, result);

            var received = CaptureReceived(options, result, hive);
            Verify(scenarioName, snapshotsDirectory, received);
        }
        finally
        {
            ownedHive?.Dispose();

            // A directory we made up is always removed (failures are reported through the exception and
            // the .received directory); a given OutputDirectory is kept, e.g. for inspection.
            if (options.OutputDirectory is null)
            {
                TemplateHive.DeleteDirectory(workingDirectory);
            }
        }
    }

    /// <summary>
    /// The snapshot name for a scenario, as the official package builds it:
    /// <c>[&lt;callerMethod&gt;.][&lt;TemplateName&gt;].&lt;ScenarioName&gt;&lt;args&gt;</c>, where the arguments
    /// are joined with <c>#</c> and stripped of characters invalid in file names, and an empty part is <c>_</c>.
    /// For example <c>heroku-web.--database#none</c> (with <see cref="TemplateVerifierOptions.DoNotPrependCallerMethodNameToScenarioName"/>)
    /// or <c>Generates.heroku-web._</c> (caller method <c>Generates</c>, no arguments).
    /// </summary>
    /// <param name="options">The scenario.</param>
    /// <param name="callerMethod">The test method's name, or null.</param>
    public static string GetScenarioName(TemplateVerifierOptions options, string? callerMethod = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.DoNotPrependTemplateNameToScenarioName ? string.Empty : options.TemplateName;
        // Stripped like the arguments: top-level statements report "<Main>$", invalid on Windows.
        var caller = RemoveInvalidFileNameChars(callerMethod ?? string.Empty);
        if (!options.DoNotPrependCallerMethodNameToScenarioName && caller.Length > 0)
        {
            prefix = string.IsNullOrEmpty(prefix) ? caller : $"{caller}.{prefix}";
        }

        if (string.IsNullOrEmpty(prefix))
        {
            prefix = "_";
        }

        var scenario = options.ScenarioName + (options.DoNotAppendTemplateArgsToScenarioName ? null : EncodeArgsAsPath(options.TemplateSpecificArgs));
        if (string.IsNullOrEmpty(scenario))
        {
            scenario = "_";
        }

        return $"{prefix}.{scenario}";
    }

    /// <summary>True when <see cref="AutoVerifyEnvironmentVariable"/> is <c>true</c> or <c>1</c>.</summary>
    internal bool IsAutoVerifyEnabled()
    {
        var value = _getEnvironmentVariable(AutoVerifyEnvironmentVariable)?.Trim();
        return value == "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
    }

    internal static string EncodeArgsAsPath(IEnumerable<string>? args) => RemoveInvalidFileNameChars(string.Join('#', args ?? []));

    private static string RemoveInvalidFileNameChars(string value) =>
        string.Concat(value.Where(c => Array.IndexOf(InvalidFileNameChars, c) < 0));

    /// <summary>
    /// The template name plus its arguments, with <c>-n</c> and <c>-o</c> set to the template name unless
    /// given (as the official package does, so names and placement are deterministic).
    /// </summary>
    internal static List<string> BuildInstantiationArgs(TemplateVerifierOptions options)
    {
        var args = new List<string> { options.TemplateName };
        args.AddRange(options.TemplateSpecificArgs ?? []);
        if (!HasOption(args, "-n", "--name"))
        {
            args.AddRange(["-n", options.TemplateName]);
        }

        if (!HasOption(args, "-o", "--output"))
        {
            args.AddRange(["-o", options.TemplateName]);
        }

        args.Add("--no-update-check");
        return args;
    }

    private static bool HasOption(List<string> args, string shortName, string longName) =>
        args.Select(a => a.Trim()).Any(a =>
            a.Equals(shortName, StringComparison.OrdinalIgnoreCase)
            || a.Equals(longName, StringComparison.OrdinalIgnoreCase)
            || a.StartsWith(longName + "=", StringComparison.OrdinalIgnoreCase)
            || a.StartsWith(longName + ":", StringComparison.OrdinalIgnoreCase)
            || a.StartsWith(shortName + ":", StringComparison.OrdinalIgnoreCase));

    private static string ResolveSnapshotsDirectory(TemplateVerifierOptions options, string sourceFile)
    {
        var directory = options.SnapshotsDirectory ?? DefaultSnapshotsDirectory;
        if (Path.IsPathRooted(directory) || string.IsNullOrEmpty(sourceFile))
        {
            return Path.GetFullPath(directory);
        }

        var callerDirectory = Path.GetDirectoryName(sourceFile);
        if (string.IsNullOrEmpty(callerDirectory) || !Directory.Exists(callerDirectory))
        {
            // E.g. a build with path mapping (ContinuousIntegrationBuild): the compile-time path is not on disk.
            throw new TemplateVerificationException(
                $"Cannot resolve SnapshotsDirectory '{directory}' relative to the caller's source file '{sourceFile}': its directory does not exist. Use an absolute SnapshotsDirectory.",
                TemplateVerificationErrorCode.InvalidOption);
        }

        return Path.GetFullPath(Path.Combine(callerDirectory, directory));
    }

    private static string PrepareWorkingDirectory(TemplateVerifierOptions options)
    {
        if (options.OutputDirectory is null)
        {
            return TemplateHive.CreateTempDirectory("output");
        }

        var directory = Path.GetFullPath(options.OutputDirectory);
        if (options.EnsureEmptyOutputDirectory && Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new TemplateVerificationException(
                $"Output directory '{directory}' is not empty. Use an empty directory or set EnsureEmptyOutputDirectory = false.",
                TemplateVerificationErrorCode.WorkingDirectoryExists);
        }

        Directory.CreateDirectory(directory);
        return directory;
    }

    private async Task InstallAsync(string templatePath, string hive, DotnetCommandOptions commandOptions, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(templatePath);
        var result = await TemplateHive.RunInHiveAsync(hive, ["install", fullPath], hive, commandOptions, cancellationToken).ConfigureAwait(false);
        _log?.Invoke($"{result.CommandLine}: exit code {result.ExitCode} after {result.Duration.TotalSeconds:0.0}s");
        TemplateHive.EnsureInstalled(result, fullPath);
    }

    private static void CheckCommandOutcome(TemplateVerifierOptions options, DotnetCommandResult result)
    {
        if (options.IsCommandExpectedToFail)
        {
            if (result.Succeeded)
            {
                throw new TemplateVerificationException(
                    $"The command was expected to fail, but it passed: {result}",
                    TemplateVerificationErrorCode.VerificationFailed);
            }

            return;
        }

        if (!result.Succeeded)
        {
            var code = result.ExitCode == (int)TemplateVerificationErrorCode.TemplateDoesNotExist
                ? TemplateVerificationErrorCode.TemplateDoesNotExist
                : TemplateVerificationErrorCode.InstantiationFailed;
            throw new TemplateVerificationException($"Instantiating template '{options.TemplateName}' failed: {result}", code);
        }

        // As in the official package: a passing command prints nothing to stderr, unless stderr is itself verified.
        if (!options.VerifyCommandOutput && !string.IsNullOrWhiteSpace(result.StdErr))
        {
            throw new TemplateVerificationException(
                $"Instantiating template '{options.TemplateName}' wrote to standard error: {result}",
                TemplateVerificationErrorCode.InstantiationFailed);
        }
    }

    private static DirectorySnapshot CaptureReceived(TemplateVerifierOptions options, DotnetCommandResult result, string hive)
    {
        var excludes = (options.DisableDefaultVerificationExcludePatterns ? [] : DefaultVerificationExcludePatterns)
            .Concat(options.VerificationExcludePatterns ?? []);
        var received = DirectorySnapshot.FromDirectory(result.WorkingDirectory, options.VerificationIncludePatterns, excludes);

        if (options.VerifyCommandOutput)
        {
            if (received.Files.Keys.Any(path => path.StartsWith(StandardStreamsDirectory + "/", StringComparison.Ordinal)))
            {
                throw new TemplateVerificationException(
                    $"The template generated a '{StandardStreamsDirectory}' directory, which VerifyCommandOutput needs for the command output.",
                    TemplateVerificationErrorCode.InternalError);
            }

            var extension = options.StandardOutputFileExtension ?? ".txt";
            received = received
                .With($"{StandardStreamsDirectory}/stdout{extension}", Encoding.UTF8.GetBytes(result.StdOut.ReplaceLineEndings("\n")))
                .With($"{StandardStreamsDirectory}/stderr{extension}", Encoding.UTF8.GetBytes(result.StdErr.ReplaceLineEndings("\n")));
        }

        var pathTokens = PathTokens(result.WorkingDirectory, hive);
        var scrubbers = options.CustomScrubbers ?? ScrubbersDefinition.Empty;
        return received.TransformText((path, text) => scrubbers.Scrub(path, ScrubPaths(text, pathTokens)));
    }

    private static List<(string Path, string Token)> PathTokens(string outputDirectory, string hive)
    {
        var tokens = new List<(string Path, string Token)>();
        foreach (var (path, token) in new[] { (outputDirectory, OutputDirectoryToken), (hive, SettingsDirectoryToken) })
        {
            var trimmed = Path.TrimEndingDirectorySeparator(path);
            tokens.Add((trimmed, token));

            // Tools may print the same path with the other separator (e.g. on Windows).
            tokens.Add((trimmed.Replace('\\', '/'), token));
            tokens.Add((trimmed.Replace('/', '\\'), token));
        }

        // Longest first, so a path nested in another is replaced before its parent.
        return [.. tokens.DistinctBy(t => t.Path).OrderByDescending(t => t.Path.Length)];
    }

    private static string ScrubPaths(string text, List<(string Path, string Token)> tokens)
    {
        foreach (var (path, token) in tokens)
        {
            text = text.Replace(path, token, StringComparison.Ordinal);
        }

        return text;
    }

    private void Verify(string scenarioName, string snapshotsDirectory, DirectorySnapshot received)
    {
        var verifiedDirectory = Path.Combine(snapshotsDirectory, scenarioName + ".verified");
        var receivedDirectory = Path.Combine(snapshotsDirectory, scenarioName + ".received");
        var isNew = !Directory.Exists(verifiedDirectory);
        var verified = isNew ? DirectorySnapshot.Empty : DirectorySnapshot.FromDirectory(verifiedDirectory);
        var comparison = DirectorySnapshot.Compare(verified, received);

        if (comparison.AreEqual)
        {
            TemplateHive.DeleteDirectory(receivedDirectory);
            return;
        }

        if (IsAutoVerifyEnabled())
        {
            received.WriteTo(verifiedDirectory);
            TemplateHive.DeleteDirectory(receivedDirectory);
            _log?.Invoke($"{AutoVerifyEnvironmentVariable} is set: accepted {received.Files.Count} file(s) into {verifiedDirectory}");
            return;
        }

        received.WriteTo(receivedDirectory);
        var headline = isNew
            ? $"New scenario '{scenarioName}': there is no verified snapshot yet."
            : $"Scenario '{scenarioName}' does not match its verified snapshot: {comparison.Differences.Count} file(s) differ.";
        var message = new StringBuilder()
            .Append(headline).Append('\n')
            .Append("Verified: ").Append(verifiedDirectory).Append('\n')
            .Append("Received: ").Append(receivedDirectory).Append('\n')
            .Append("If the received output is right, accept it by running again with ")
            .Append(AutoVerifyEnvironmentVariable).Append("=true (or replace the .verified directory with the .received one).\n\n")
            .Append(comparison);
        throw new TemplateVerificationException(message.ToString(), TemplateVerificationErrorCode.VerificationFailed);
    }
}
