using System.Text.RegularExpressions;

namespace Heroku.AspNetCore;

/// <summary>
/// Reads a <c>.env</c> file as python-dotenv (and so <c>heroku local</c>) does: <c>NAME=value</c>, <c>export</c>,
/// quotes with escapes, quoted values over several lines, <c>#</c> comments, bare names (ignored), and
/// <c>${NAME}</c> or <c>${NAME:-default}</c> from the environment or earlier lines.
/// </summary>
public static partial class DotEnvFile
{
    /// <summary>The file's name.</summary>
    public const string FileName = ".env";

    /// <summary>The nearest <c>.env</c> up to the solution's directory: one above it belongs to something else.</summary>
    public static string? Find(string directory) => Find(directory, FileName);

    /// <summary>The nearest file named <paramref name="fileName"/> up to the solution's directory.</summary>
    public static string? Find(string directory, string fileName)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            if (File.Exists(Path.Combine(current.FullName, fileName)))
            {
                return Path.Combine(current.FullName, fileName);
            }
            if (current.EnumerateFiles("*.sln*").Any(file => file.Extension is ".sln" or ".slnx"))
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>
    /// The variables in <paramref name="text"/>, read from <paramref name="path"/>; <c>${NAME}</c> is looked up in
    /// <paramref name="environment"/> first. A line it cannot read is reported by number, never by content,
    /// in an <see cref="InvalidSettingsException"/>, and then nothing is read.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string text, string path, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<SettingProblem>();
        text = text.TrimStart('\uFEFF');

        for (var position = Blank().Match(text).Length; position < text.Length; position += Blank().Match(text, position).Length)
        {
            var line = Line().Match(text, position);
            if (!line.Success)
            {
                problems.Add(new($"{path} line {text[..position].Count(c => c == '\n') + 1}", "cannot be read", "NAME=value, NAME=\"value\", NAME='value' or a # comment"));
                position = text.IndexOfAny(['\r', '\n'], position) is var end and >= 0 ? end : text.Length;
                continue;
            }
            position += line.Length;
            if (line.Groups["equals"].Success)
            {
                var value = line.Groups["double"].Success ? Unescape(line.Groups["double"].Value, "\\'\"abfnrtv")
                    : line.Groups["single"].Success ? Unescape(line.Groups["single"].Value, "\\'")
                    // A value that is only a comment (NAME=  # note) is empty; NAME=#value keeps its '#'.
                    : line.Groups["equals"].Length > 1 && line.Groups["bare"].Value.StartsWith('#') ? ""
                    : Comment().Replace(line.Groups["bare"].Value, "").TrimEnd();
                // Like the app, a real environment variable wins over the file.
                values[line.Groups["key"].Value] = Variable().Replace(value, variable => environment(variable.Groups["name"].Value)
                    ?? values.GetValueOrDefault(variable.Groups["name"].Value) ?? variable.Groups["default"].Value);
            }
        }
        return problems.Count == 0 ? values : throw new InvalidSettingsException(problems);
    }

    private static string Unescape(string value, string escapable) =>
        Regex.Replace(value, $@"\\[{Regex.Escape(escapable)}]", escape => escape.Value[1] switch
        {
            'a' => "\a", 'b' => "\b", 'f' => "\f", 'n' => "\n", 'r' => "\r", 't' => "\t", 'v' => "\v", var other => other.ToString(),
        });

    [GeneratedRegex(@"\G\s*")]
    private static partial Regex Blank();

    // python-dotenv's grammar: [export] key [= value] [# comment] end of line.
    [GeneratedRegex("""
        \G(?:(?:export[^\S\r\n]+)?(?:'(?<key>[^']+)'|(?<key>[^=\#\s]+))[^\S\r\n]*
        (?:(?<equals>=[^\S\r\n]*)(?:'(?<single>(?:\\'|[^'])*)'|"(?<double>(?:\\"|[^"])*)"|(?<bare>(?!['"])[^\r\n]*)))?)?
        (?:[^\S\r\n]*\#[^\r\n]*)?[^\S\r\n]*(?:\r\n|\n|\r|$)
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Line();

    [GeneratedRegex(@"\s+#.*")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\$\{(?<name>[^}:]*)(?::-(?<default>[^}]*))?\}")]
    private static partial Regex Variable();
}
