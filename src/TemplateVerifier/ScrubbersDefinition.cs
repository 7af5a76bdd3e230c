using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace TemplateVerifier;

/// <summary>
/// Custom scrubbers for content that is legitimately non-deterministic (e.g. a generated secret).
/// Mirrors the official <c>ScrubbersDefinition</c>: scrubbers by file path run first, then the one
/// for the file's extension, then the general ones. They apply to text files and to the
/// <c>std-streams/*</c> files; binary files are compared unscrubbed. Instances are immutable:
/// every <c>AddScrubber</c> returns a new definition.
/// </summary>
public sealed class ScrubbersDefinition
{
    /// <summary>Scrubs the content of one file.</summary>
    /// <param name="relativeFilePath">The file's path relative to the output directory, <c>/</c>-separated (e.g. <c>std-streams/stdout.txt</c>).</param>
    /// <param name="content">The content, edited in place.</param>
    public delegate void ScrubFileByPath(string relativeFilePath, StringBuilder content);

    private ScrubbersDefinition(
        ImmutableList<Action<StringBuilder>> general,
        ImmutableDictionary<string, ImmutableList<Action<StringBuilder>>> byExtension,
        ImmutableList<ScrubFileByPath> byPath)
    {
        GeneralScrubbers = general;
        ScrubbersByExtension = byExtension;
        ByPathScrubbers = byPath;
    }

    /// <summary>Creates a definition holding one scrubber.</summary>
    /// <param name="scrubber">Edits the content in place.</param>
    /// <param name="extension">Only files with this extension (without the dot, e.g. <c>env</c> for <c>.env</c>); all files when null.</param>
    public ScrubbersDefinition(Action<StringBuilder> scrubber, string? extension = null)
        : this(Empty.AddScrubber(scrubber, extension))
    {
    }

    private ScrubbersDefinition(ScrubbersDefinition other)
        : this(other.GeneralScrubbers, other.ScrubbersByExtension, other.ByPathScrubbers)
    {
    }

    /// <summary>A definition with no scrubbers.</summary>
    public static ScrubbersDefinition Empty { get; } = new(
        [],
        ImmutableDictionary.Create<string, ImmutableList<Action<StringBuilder>>>(StringComparer.OrdinalIgnoreCase),
        []);

    internal ImmutableList<Action<StringBuilder>> GeneralScrubbers { get; }

    internal ImmutableDictionary<string, ImmutableList<Action<StringBuilder>>> ScrubbersByExtension { get; }

    internal ImmutableList<ScrubFileByPath> ByPathScrubbers { get; }

    /// <summary>Adds a scrubber for all files, or only files with <paramref name="extension"/>.</summary>
    /// <param name="scrubber">Edits the content in place.</param>
    /// <param name="extension">Extension without the dot (a leading dot is ignored); all files when null.</param>
    public ScrubbersDefinition AddScrubber(Action<StringBuilder> scrubber, string? extension = null)
    {
        ArgumentNullException.ThrowIfNull(scrubber);
        if (string.IsNullOrEmpty(extension))
        {
            return new ScrubbersDefinition(GeneralScrubbers.Add(scrubber), ScrubbersByExtension, ByPathScrubbers);
        }

        var key = extension.TrimStart('.');
        var list = ScrubbersByExtension.TryGetValue(key, out var existing) ? existing : [];
        return new ScrubbersDefinition(GeneralScrubbers, ScrubbersByExtension.SetItem(key, list.Add(scrubber)), ByPathScrubbers);
    }

    /// <summary>Adds a scrubber that sees each file's relative path and can decide what to scrub.</summary>
    /// <param name="fileScrubber">Edits the content in place.</param>
    public ScrubbersDefinition AddScrubber(ScrubFileByPath fileScrubber)
    {
        ArgumentNullException.ThrowIfNull(fileScrubber);
        return new ScrubbersDefinition(GeneralScrubbers, ScrubbersByExtension, ByPathScrubbers.Add(fileScrubber));
    }

    /// <summary>
    /// Adds a scrubber replacing every match of <paramref name="pattern"/> with <paramref name="replacement"/>
    /// (which may use <c>$1</c>-style group references), in all files or only files with <paramref name="extension"/>.
    /// For example <c>AddScrubber(new Regex("(?m)^(SECRET_KEY=).+$"), "$1{scrubbed}", "env")</c>.
    /// </summary>
    /// <param name="pattern">What to replace.</param>
    /// <param name="replacement">The replacement, as for <see cref="Regex.Replace(string, string)"/>.</param>
    /// <param name="extension">Extension without the dot; all files when null.</param>
    public ScrubbersDefinition AddScrubber(Regex pattern, string replacement, string? extension = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(replacement);
        return AddScrubber(sb => ReplaceAll(sb, pattern, replacement), extension);
    }

    /// <summary>Runs the applicable scrubbers over one file's content.</summary>
    internal string Scrub(string relativePath, string content)
    {
        var extension = Path.GetExtension(relativePath);
        extension = extension.Length > 0 ? extension[1..] : extension;
        var applicable = ScrubbersByExtension.TryGetValue(extension, out var byExtension) ? byExtension : [];
        if (ByPathScrubbers.IsEmpty && applicable.IsEmpty && GeneralScrubbers.IsEmpty)
        {
            return content;
        }

        var sb = new StringBuilder(content);
        foreach (var scrubber in ByPathScrubbers)
        {
            scrubber(relativePath, sb);
        }

        foreach (var scrubber in applicable)
        {
            scrubber(sb);
        }

        foreach (var scrubber in GeneralScrubbers)
        {
            scrubber(sb);
        }

        return sb.ToString();
    }

    private static void ReplaceAll(StringBuilder sb, Regex pattern, string replacement)
    {
        var current = sb.ToString();
        var replaced = pattern.Replace(current, replacement);
        if (!string.Equals(current, replaced, StringComparison.Ordinal))
        {
            sb.Clear().Append(replaced);
        }
    }
}
