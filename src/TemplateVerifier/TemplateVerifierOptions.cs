namespace TemplateVerifier;

/// <summary>
/// Configuration of one verification scenario for <see cref="VerificationEngine"/>. Property names and
/// meanings follow the official <c>Microsoft.TemplateEngine.Authoring.TemplateVerifier.TemplateVerifierOptions</c>.
/// </summary>
public sealed class TemplateVerifierOptions
{
    /// <summary>Creates options for the template with short name <paramref name="templateName"/>.</summary>
    /// <param name="templateName">The template's short name, as passed to <c>dotnet new</c>.</param>
    public TemplateVerifierOptions(string templateName)
    {
        ArgumentException.ThrowIfNullOrEmpty(templateName);
        TemplateName = templateName;
    }

    /// <summary>The template's short name.</summary>
    public string TemplateName { get; init; }

    /// <summary>
    /// A template package (<c>.nupkg</c>) or folder to install before instantiating. It is installed into
    /// <see cref="SettingsDirectory"/> when given, else into a throwaway hive deleted afterwards. Leave
    /// null when the template is already installed in <see cref="SettingsDirectory"/> (e.g. a shared <see cref="TemplateHive"/>).
    /// </summary>
    public string? TemplatePath { get; init; }

    /// <summary>The <c>dotnet</c> executable; see <see cref="DotnetCommandOptions.DotnetExecutablePath"/>.</summary>
    public string? DotnetExecutablePath { get; init; }

    /// <summary>Extra environment variables for the <c>dotnet</c> commands.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; private set; }

    /// <summary>Arguments after the template name, e.g. <c>["--database", "none"]</c>.</summary>
    public IEnumerable<string>? TemplateSpecificArgs { get; init; }

    /// <summary>
    /// Where the <c>&lt;scenario&gt;.verified</c> directories live. Defaults to <c>Snapshots</c>; a relative
    /// path is resolved against the directory of the calling test's source file.
    /// </summary>
    public string? SnapshotsDirectory { get; init; }

    /// <summary>
    /// When true, <c>dotnet new</c>'s standard output and error are verified too, as
    /// <c>std-streams/stdout.txt</c> and <c>std-streams/stderr.txt</c> in the snapshot.
    /// When false, any standard error output fails a command expected to pass.
    /// </summary>
    public bool VerifyCommandOutput { get; init; }

    /// <summary>When true, <c>dotnet new</c> must fail (non-zero exit code or error text); its output is still verified.</summary>
    public bool IsCommandExpectedToFail { get; init; }

    /// <summary>When true, <see cref="VerificationEngine.DefaultVerificationExcludePatterns"/> are not applied.</summary>
    public bool DisableDefaultVerificationExcludePatterns { get; init; }

    /// <summary>
    /// Glob patterns of generated files to leave out of the snapshot, relative to the output directory
    /// with <c>/</c> separators: <c>*</c> stays within a directory, <c>**</c> crosses directories,
    /// <c>**/</c> is zero or more directories, and a pattern with neither <c>/</c> nor <c>**</c> matches
    /// the file name at any depth (<c>*.png</c>).
    /// </summary>
    public IEnumerable<string>? VerificationExcludePatterns { get; init; }

    /// <summary>Glob patterns of generated files to verify (all files when none); exclusions still apply.</summary>
    public IEnumerable<string>? VerificationIncludePatterns { get; init; }

    /// <summary>
    /// Where to run <c>dotnet new</c>. Defaults to a fresh temporary directory, deleted afterwards
    /// (pass or fail). A given directory is kept, so set this to inspect the raw output.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The template engine hive (<c>--debug:custom-hive</c>) to use, e.g. <see cref="TemplateHive.Location"/>. Defaults to a throwaway hive.</summary>
    public string? SettingsDirectory { get; init; }

    /// <summary>Custom scrubbers, applied after the built-in path scrubbing.</summary>
    public ScrubbersDefinition? CustomScrubbers { get; private set; }

    /// <summary>A name for the scenario, placed before the encoded arguments in the snapshot name.</summary>
    public string? ScenarioName { get; init; }

    /// <summary>When true, <see cref="TemplateSpecificArgs"/> are not encoded into the snapshot name.</summary>
    public bool DoNotAppendTemplateArgsToScenarioName { get; init; }

    /// <summary>When true, <see cref="TemplateName"/> is not part of the snapshot name.</summary>
    public bool DoNotPrependTemplateNameToScenarioName { get; init; }

    /// <summary>When true, the calling method's name is not part of the snapshot name.</summary>
    public bool DoNotPrependCallerMethodNameToScenarioName { get; init; }

    /// <summary>When true (the default), a given <see cref="OutputDirectory"/> must be empty or missing.</summary>
    public bool EnsureEmptyOutputDirectory { get; init; } = true;

    /// <summary>Extension of the std-stream files; defaults to <c>.txt</c>.</summary>
    public string? StandardOutputFileExtension { get; init; }

    /// <summary>How long each <c>dotnet new</c> command may take. Not in the official options. Defaults to 2 minutes.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Adds environment variables for the <c>dotnet</c> commands (a name given again takes the new value).</summary>
    /// <param name="environment">Variables to add.</param>
    public TemplateVerifierOptions WithCustomEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var merged = new Dictionary<string, string>(Environment ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, value) in environment)
        {
            merged[name] = value;
        }

        Environment = merged;
        return this;
    }

    /// <summary>Adds one environment variable for the <c>dotnet</c> commands.</summary>
    /// <param name="name">Variable name.</param>
    /// <param name="value">Variable value.</param>
    public TemplateVerifierOptions WithEnvironmentVariable(string name, string value) =>
        WithCustomEnvironment(new Dictionary<string, string> { [name] = value });

    /// <summary>Sets the custom scrubbers.</summary>
    /// <param name="scrubbers">The scrubbers.</param>
    public TemplateVerifierOptions WithCustomScrubbers(ScrubbersDefinition scrubbers)
    {
        CustomScrubbers = scrubbers ?? throw new ArgumentNullException(nameof(scrubbers));
        return this;
    }

    internal DotnetCommandOptions ToCommandOptions() => new()
    {
        DotnetExecutablePath = DotnetExecutablePath,
        Environment = Environment?.ToDictionary(pair => pair.Key, pair => (string?)pair.Value, StringComparer.Ordinal),
        Timeout = CommandTimeout,
    };
}
