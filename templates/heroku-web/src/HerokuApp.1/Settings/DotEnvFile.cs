using System.Text;

namespace HerokuApp._1.Settings;

/// <summary>
/// Reads a <c>.env</c> file the way python-dotenv and <c>heroku local</c> do:
/// <c>NAME=value</c> lines, optional <c>export</c>, <c>#</c> comments, single or double quotes.
/// </summary>
public static class DotEnvFile
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

    /// <summary>Parses the file's text; a malformed line is reported by number, never by content.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string text, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<SettingProblem>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');

        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var separator = line.IndexOf('=');
            var name = separator > 0 ? line[..separator].Trim() : "";
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(name[0])
                || !TryReadValue(line[(separator + 1)..].Trim(), out var value))
            {
                problems.Add(new($"{path} line {index + 1}", "is not a NAME=value line", "NAME=value, NAME=\"value\" or a # comment"));
                continue;
            }
            values[name] = value;
        }

        return problems.Count == 0 ? values : throw new InvalidSettingsException(problems);
    }

    private static bool TryReadValue(string raw, out string value)
    {
        value = raw;
        if (raw.Length > 0 && raw[0] is '"' or '\'')
        {
            var quote = raw[0];
            var end = 1;
            // Inside double quotes a backslash escapes the next character, the quote included.
            while (end < raw.Length && raw[end] != quote)
            {
                end += quote == '"' && raw[end] == '\\' ? 2 : 1;
            }
            end = end < raw.Length ? end : -1;
            var rest = end > 0 ? raw[(end + 1)..].TrimStart() : null;
            if (rest is null || (rest.Length > 0 && !rest.StartsWith('#')))
            {
                return false;
            }
            value = quote == '"' ? Unescape(raw[1..end]) : raw[1..end];
            return true;
        }

        // An unquoted value ends at a comment that follows whitespace.
        var comment = raw.IndexOf(" #", StringComparison.Ordinal);
        value = (comment >= 0 ? raw[..comment] : raw).TrimEnd();
        return true;
    }

    private static string Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
                builder.Append(text[i] switch { 'n' => '\n', 't' => '\t', _ => text[i] });
            }
            else
            {
                builder.Append(text[i]);
            }
        }
        return builder.ToString();
    }
}
