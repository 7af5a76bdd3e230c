using System.Text;
using System.Text.RegularExpressions;

namespace TemplateVerifier;

/// <summary>
/// A file glob with the semantics of the template engine's <c>Glob</c> (used by the official
/// TemplateVerifier for <c>VerificationIncludePatterns</c>/<c>VerificationExcludePatterns</c>):
/// <c>*</c> matches within one path segment, <c>**</c> matches across segments, <c>**/</c> matches
/// zero or more whole directories, <c>?</c> matches one character, <c>[abc]</c> a set of characters,
/// and a leading <c>!</c> negates. A pattern without <c>/</c> or <c>**</c> is matched against the
/// file name only, so <c>*.cs</c> matches <c>src/Program.cs</c>.
/// </summary>
internal sealed class GlobPattern
{
    private readonly Regex _regex;
    private readonly bool _negate;
    private readonly bool _nameOnly;

    private GlobPattern(string pattern)
    {
        Pattern = pattern;
        var body = pattern;
        if (body.StartsWith('!'))
        {
            _negate = true;
            body = body[1..];
        }

        // Patterns are written with '/', but accept '\' so Windows-style patterns still work.
        body = body.Replace('\\', '/');
        _nameOnly = !body.Contains('/') && !body.Contains("**", StringComparison.Ordinal);
        _regex = new Regex(ToRegex(body), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }

    public static GlobPattern Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        return new GlobPattern(pattern);
    }

    /// <summary>Matches a relative path that uses <c>/</c> as separator.</summary>
    public bool IsMatch(string relativePath)
    {
        var subject = _nameOnly ? relativePath[(relativePath.LastIndexOf('/') + 1)..] : relativePath;
        return _negate ^ _regex.IsMatch(subject);
    }

    public override string ToString() => Pattern;

    private static string ToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    if (i + 2 < glob.Length && glob[i + 2] == '/')
                    {
                        sb.Append("(?:.*/)?");
                        i += 2;
                    }
                    else
                    {
                        sb.Append(".*");
                        i++;
                    }

                    break;
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[':
                    var close = glob.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }

                    var set = glob[(i + 1)..close];
                    var negated = set.StartsWith('!') || set.StartsWith('^');
                    if (negated)
                    {
                        set = set[1..];
                    }

                    sb.Append('[').Append(negated ? "^" : string.Empty)
                        .Append(Regex.Escape(set).Replace("]", @"\]", StringComparison.Ordinal).Replace("-", @"\-", StringComparison.Ordinal))
                        .Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return sb.Append('$').ToString();
    }
}

/// <summary>Include/exclude filter over relative paths, as TemplateVerifier applies it.</summary>
internal sealed class PathFilter
{
    private readonly GlobPattern[] _include;
    private readonly GlobPattern[] _exclude;

    public PathFilter(IEnumerable<string>? includePatterns, IEnumerable<string>? excludePatterns)
    {
        _include = (includePatterns ?? []).Select(GlobPattern.Parse).ToArray();
        _exclude = (excludePatterns ?? []).Select(GlobPattern.Parse).ToArray();
    }

    /// <summary>Included when no include pattern is given or one matches, and no exclude pattern matches.</summary>
    public bool IsIncluded(string relativePath) =>
        (_include.Length == 0 || _include.Any(g => g.IsMatch(relativePath)))
        && !_exclude.Any(g => g.IsMatch(relativePath));
}
