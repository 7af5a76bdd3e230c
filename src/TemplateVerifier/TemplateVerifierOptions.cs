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

    /// <summary>The template engine hive (<c>--debug:custom-hive</c>) the template is installed in: a <see cref="TemplateHive.Location"/>. Required.</summary>
    public string? SettingsDirectory { get; init; }

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
    /// When false, any standard error output fails the command.
    /// </summary>
    public bool VerifyCommandOutput { get; init; }

    /// <summary>
    /// Glob patterns of generated files to verify, relative to the output directory with <c>/</c>
    /// separators (all files when none): <c>*</c> stays within a directory and <c>**</c> is any number
    /// of directories, so <c>**/Procfile</c> is a Procfile at any depth. Build output
    /// (<c>**/bin/**</c>, <c>**/obj/**</c>) is always left out.
    /// </summary>
    public IEnumerable<string>? VerificationIncludePatterns { get; init; }

    /// <summary>Custom scrubbers, applied after the built-in path scrubbing.</summary>
    public ScrubbersDefinition? CustomScrubbers { get; private set; }

    /// <summary>A name for the scenario, placed before the encoded arguments in the snapshot name.</summary>
    public string? ScenarioName { get; init; }

    /// <summary>When true, <see cref="TemplateSpecificArgs"/> are not encoded into the snapshot name.</summary>
    public bool DoNotAppendTemplateArgsToScenarioName { get; init; }

    /// <summary>When true, the calling method's name is not part of the snapshot name.</summary>
    public bool DoNotPrependCallerMethodNameToScenarioName { get; init; }

    /// <summary>Sets the custom scrubbers.</summary>
    /// <param name="scrubbers">The scrubbers.</param>
    public TemplateVerifierOptions WithCustomScrubbers(ScrubbersDefinition scrubbers)
    {
        CustomScrubbers = scrubbers ?? throw new ArgumentNullException(nameof(scrubbers));
        return this;
    }
}
