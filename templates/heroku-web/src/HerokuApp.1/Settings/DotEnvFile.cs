using System.Text.RegularExpressions;

namespace HerokuApp._1.Settings;

/// <summary>
/// Reads a <c>.env</c> file as python-dotenv (and so <c>heroku local</c>) does: <c>NAME=value</c>,
/// optional <c>export</c>, quotes with escapes, values over several lines inside quotes, <c>#</c>
/// comments, bare names (ignored) and <c>${NAME}</c> or <c>${NAME:-default}</c> from the environment or earlier lines.
/// </summary>
public static partial class DotEnvFile
{
    public const string FileName = ".env";

    /// <summary>
    /// The nearest <c>.env</c> in <paramref name="directory"/> or a parent, up to the solution's
    /// directory: a <c>.env</c> above it belongs to something else.
    /// </summary>
    public static string? Find(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            var candidate = Path.Combine(current.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
            if (current.EnumerateFiles("*.slnx").Any() || current.EnumerateFiles("*.sln").Any())
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>
    /// Parses the file's text; a line it cannot read is reported by number, never by content, and
    /// nothing is read from a file with such a line. Real environment variables win in <c>${NAME}</c>, as they do in the app.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string text, string path, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<SettingProblem>();
        text = text.TrimStart('\uFEFF');

        for (var position = Whitespace().Match(text).Length; position < text.Length; position += Whitespace().Match(text, position).Length)
        {
            var binding = Binding().Match(text, position);
            if (!binding.Success)
            {
                var line = text[..position].Count(c => c == '\n') + 1;
                problems.Add(new($"{path} line {line}", "cannot be read", "NAME=value, NAME=\"value\", NAME='value' or a # comment"));
                var end = text.IndexOfAny(['\r', '\n'], position);
                position = end < 0 ? text.Length : end;
                continue;
            }
            position += binding.Length;

            if (binding.Groups["key"].Success && binding.Groups["equals"].Success)
            {
                var value = binding.Groups["double"].Success ? Unescape(binding.Groups["double"].Value, "\\'\"abfnrtv")
                    : binding.Groups["single"].Success ? Unescape(binding.Groups["single"].Value, "\\'")
                    : Unquoted(binding.Groups["bare"].Value, binding.Groups["equals"].Length > 1);
                values[binding.Groups["key"].Value] = Variable().Replace(value, variable =>
                    environment(variable.Groups["name"].Value) ?? values.GetValueOrDefault(variable.Groups["name"].Value)
                    ?? variable.Groups["default"].Value);
            }
        }

        return problems.Count == 0 ? values : throw new InvalidSettingsException(problems);
    }

    // A value that is only a comment (NAME=  # note) is empty; NAME=#value keeps its '#'.
    private static string Unquoted(string value, bool afterWhitespace) =>
        afterWhitespace && value.StartsWith('#') ? "" : Comment().Replace(value, "").TrimEnd();

    private static string Unescape(string value, string escapable) =>
        Regex.Replace(value, $@"\\[{Regex.Escape(escapable)}]", escape => escape.Value[1] switch
        {
            'a' => "\a", 'b' => "\b", 'f' => "\f", 'n' => "\n", 'r' => "\r", 't' => "\t", 'v' => "\v",
            var other => other.ToString(),
        });

    [GeneratedRegex(@"\G\s*")]
    private static partial Regex Whitespace();

    // python-dotenv's grammar: [export] key [= value] [# comment] end of line.
    [GeneratedRegex("""
        \G(?:(?:export[^\S\r\n]+)?(?:'(?<key>[^']+)'|(?<key>[^=\#\s]+))[^\S\r\n]*
        (?:(?<equals>=[^\S\r\n]*)(?:'(?<single>(?:\\'|[^'])*)'|"(?<double>(?:\\"|[^"])*)"|(?<bare>(?!['"])[^\r\n]*)))?)?
        (?:[^\S\r\n]*\#[^\r\n]*)?[^\S\r\n]*(?:\r\n|\n|\r|$)
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Binding();

    [GeneratedRegex(@"\s+#.*")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\$\{(?<name>[^}:]*)(?::-(?<default>[^}]*))?\}")]
    private static partial Regex Variable();
}
