using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace TemplateVerifier;

/// <summary>
/// Custom scrubbers for content that is legitimately non-deterministic (e.g. a generated secret),
/// applied in order to every text file and to the <c>std-streams/*</c> files; binary files are
/// compared unscrubbed. Instances are immutable: <see cref="AddScrubber"/> returns a new definition.
/// </summary>
public sealed class ScrubbersDefinition
{
    private readonly ImmutableList<(Regex Pattern, string Replacement)> _scrubbers;

    private ScrubbersDefinition(ImmutableList<(Regex Pattern, string Replacement)> scrubbers) => _scrubbers = scrubbers;

    /// <summary>A definition with no scrubbers.</summary>
    public static ScrubbersDefinition Empty { get; } = new([]);

    /// <summary>
    /// Adds a scrubber replacing every match of <paramref name="pattern"/> with <paramref name="replacement"/>
    /// (which may use <c>$1</c>-style group references), e.g. <c>AddScrubber(new Regex("(?m)^(SECRET_KEY=).+$"), "$1{scrubbed}")</c>.
    /// </summary>
    /// <param name="pattern">What to replace.</param>
    /// <param name="replacement">The replacement, as for <see cref="Regex.Replace(string, string)"/>.</param>
    public ScrubbersDefinition AddScrubber(Regex pattern, string replacement)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(replacement);
        return new ScrubbersDefinition(_scrubbers.Add((pattern, replacement)));
    }

    /// <summary>Runs every scrubber over one file's content.</summary>
    internal string Scrub(string content) =>
        _scrubbers.Aggregate(content, (text, scrubber) => scrubber.Pattern.Replace(text, scrubber.Replacement));
}
