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
    internal const string AutoVerifyEnvironmentVariable = "Verify_AutoVerify";

    /// <summary>Replaces the output directory's path in scrubbed content.</summary>
    internal const string OutputDirectoryToken = "{OutputDirectory}";

    /// <summary>Replaces the template engine hive's path in scrubbed content.</summary>
    internal const string SettingsDirectoryToken = "{SettingsDirectory}";

    /// <summary>Directory of the std-stream files inside a snapshot (same as the official package).</summary>
    internal const string StandardStreamsDirectory = "std-streams";

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
    /// Files always left out of verification: build output (<c>bin/</c>, <c>obj/</c>), as in the official package.
    /// </summary>
    internal static IReadOnlyList<string> DefaultVerificationExcludePatterns { get; } = ["**/bin/**", "**/obj/**"];

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

        var hive = Path.GetFullPath(options.SettingsDirectory ?? throw new TemplateVerificationException(
            "SettingsDirectory is required: the hive the template is installed in (TemplateHive.Location).", TemplateVerificationErrorCode.InvalidOption));
        using var workingDirectory = TemporaryDirectory.Create("template-verifier-output-");
        var result = await TemplateHive.RunInHiveAsync(hive, BuildInstantiationArgs(options), workingDirectory.Path, cancellationToken).ConfigureAwait(false);
        _log?.Invoke($"{result.Command} (in {workingDirectory.Path}): exit code {result.ExitCode} after {result.Duration.TotalSeconds:0.0}s");
        CheckCommandOutcome(options, result);
        Verify(scenarioName, snapshotsDirectory, CaptureReceived(options, result, hive));
    }

    /// <summary>
    /// The snapshot name for a scenario, as the official package builds it:
    /// <c>[&lt;callerMethod&gt;.]&lt;TemplateName&gt;.&lt;ScenarioName&gt;&lt;args&gt;</c>, where the arguments
    /// are joined with <c>#</c> and stripped of characters invalid in file names, and an empty part is <c>_</c>.
    /// For example <c>heroku-web.--database#none</c> (with <see cref="TemplateVerifierOptions.DoNotPrependCallerMethodNameToScenarioName"/>)
    /// or <c>Generates.heroku-web._</c> (caller method <c>Generates</c>, no arguments).
    /// </summary>
    /// <param name="options">The scenario.</param>
    /// <param name="callerMethod">The test method's name, or null.</param>
    internal static string GetScenarioName(TemplateVerifierOptions options, string? callerMethod = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Stripped like the arguments: top-level statements report "<Main>$", invalid on Windows.
        var caller = RemoveInvalidFileNameChars(callerMethod ?? string.Empty);
        var prefix = !options.DoNotPrependCallerMethodNameToScenarioName && caller.Length > 0 ? $"{caller}.{options.TemplateName}" : options.TemplateName;
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

    private static void CheckCommandOutcome(TemplateVerifierOptions options, ProcessResult result)
    {
        if (!result.Succeeded)
        {
            var code = result.ExitCode == (int)TemplateVerificationErrorCode.TemplateDoesNotExist
                ? TemplateVerificationErrorCode.TemplateDoesNotExist
                : TemplateVerificationErrorCode.InstantiationFailed;
            throw new TemplateVerificationException($"Instantiating template '{options.TemplateName}' failed: {result}", code);
        }

        // As in the official package: a passing command prints nothing to stderr, unless stderr is itself verified.
        if (!options.VerifyCommandOutput && !string.IsNullOrWhiteSpace(result.StandardError))
        {
            throw new TemplateVerificationException(
                $"Instantiating template '{options.TemplateName}' wrote to standard error: {result}",
                TemplateVerificationErrorCode.InstantiationFailed);
        }
    }

    private static DirectorySnapshot CaptureReceived(TemplateVerifierOptions options, ProcessResult result, string hive)
    {
        var received = DirectorySnapshot.FromDirectory(result.WorkingDirectory, options.VerificationIncludePatterns, DefaultVerificationExcludePatterns);

        if (options.VerifyCommandOutput)
        {
            if (received.Files.Keys.Any(path => path.StartsWith(StandardStreamsDirectory + "/", StringComparison.Ordinal)))
            {
                throw new TemplateVerificationException(
                    $"The template generated a '{StandardStreamsDirectory}' directory, which VerifyCommandOutput needs for the command output.",
                    TemplateVerificationErrorCode.InternalError);
            }

            received = received
                .With($"{StandardStreamsDirectory}/stdout.txt", Encoding.UTF8.GetBytes(result.StandardOutput.ReplaceLineEndings("\n")))
                .With($"{StandardStreamsDirectory}/stderr.txt", Encoding.UTF8.GetBytes(result.StandardError.ReplaceLineEndings("\n")));
        }

        var scrubbers = options.CustomScrubbers ?? ScrubbersDefinition.Empty;
        return received.TransformText(text => scrubbers.Scrub(ScrubPaths(text, result.WorkingDirectory, hive)));
    }

    /// <summary>Replaces the output and hive directories' paths, written with either separator, with their tokens.</summary>
    internal static string ScrubPaths(string text, string outputDirectory, string hive)
    {
        var tokens = new[] { (outputDirectory, OutputDirectoryToken), (hive, SettingsDirectoryToken) }
            .Select(pair => (Path: Path.TrimEndingDirectorySeparator(pair.Item1), Token: pair.Item2))
            .SelectMany(pair => new[] { pair, (pair.Path.Replace('\\', '/'), pair.Token), (pair.Path.Replace('/', '\\'), pair.Token) })
            .DistinctBy(pair => pair.Item1)
            // Longest first, so a path nested in another is replaced before its parent.
            .OrderByDescending(pair => pair.Item1.Length);
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
            TemporaryDirectory.DeleteQuietly(receivedDirectory);
            return;
        }

        if (IsAutoVerifyEnabled())
        {
            received.WriteTo(verifiedDirectory);
            TemporaryDirectory.DeleteQuietly(receivedDirectory);
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
