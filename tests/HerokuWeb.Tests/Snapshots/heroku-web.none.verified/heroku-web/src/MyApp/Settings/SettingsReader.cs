using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MyApp.Settings;

/// <summary>
/// Reads one variable per call and keeps going past a bad one, so <see cref="ThrowIfInvalid"/> reports
/// them all at once. Parsers say what is wrong by throwing <see cref="FormatException"/>.
/// </summary>
public sealed class SettingsReader(IConfiguration configuration)
{
    private readonly List<SettingProblem> _problems = [];

    /// <summary>The variables read so far, in the order they were declared.</summary>
    public List<string> Names { get; } = [];

    public T Optional<T>(string name, T fallback, Func<string, T> parse, string help, bool secret = false) =>
        Text(name) is { } text ? Read(name, text, parse, help, secret) : fallback;

    /// <summary>Reads a variable that must be set, unless <paramref name="orElse"/>, read before it, is.</summary>
    public T Required<T>(string name, Func<string, T> parse, string help, bool secret = false, string? orElse = null)
    {
        if (Text(name) is { } text)
        {
            return Read(name, text, parse, help, secret);
        }
        if (orElse is not null && Text(orElse) is { } fallback)
        {
            return Try(parse, fallback, out _); // when malformed, reported under its own name
        }
        _problems.Add(new(name, "is not set", help));
        return default!;
    }

    public void ThrowIfInvalid()
    {
        if (_problems.Count > 0)
        {
            throw new InvalidSettingsException(_problems);
        }
    }

    private string? Text(string name)
    {
        if (!Names.Contains(name))
        {
            Names.Add(name);
        }
        return configuration[name]?.Trim() is { Length: > 0 } text ? text : null;
    }

    private T Read<T>(string name, string text, Func<string, T> parse, string help, bool secret)
    {
        var value = Try(parse, text, out var reason);
        if (reason is not null)
        {
            // A secret's value is never repeated; others help, cut short and without control characters.
            var shown = secret ? "value hidden: secret" : $"got \"{new string([.. text.Take(40).Select(c => char.IsControl(c) ? '?' : c)])}\"";
            _problems.Add(new(name, $"{reason} ({shown})", help));
        }
        return value;
    }

    private static T Try<T>(Func<string, T> parse, string text, out string? reason)
    {
        try
        {
            reason = null;
            return parse(text);
        }
        catch (FormatException exception)
        {
            reason = exception.Message;
            return default!;
        }
    }
}

/// <summary>The value types settings are made of; each throws <see cref="FormatException"/> saying what is wrong.</summary>
public static partial class Parse
{
    /// <summary>pydantic's words, in any case; anything else is an error, not false.</summary>
    public static bool Boolean(string text) => text.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" or "t" or "y" => true,
        "false" or "0" or "no" or "off" or "f" or "n" => false,
        _ => throw new FormatException("is not a boolean: use true or false"),
    };

    public static int Integer(string text, int minimum, int maximum) =>
        !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? throw new FormatException("is not a whole number")
        : number < minimum || number > maximum ? throw new FormatException($"must be between {minimum} and {maximum}") : number;

    /// <summary>A JSON array of strings, as pydantic-settings reads lists, or comma-separated words.</summary>
    public static IReadOnlyList<string> List(string text)
    {
        try
        {
            string[] items = [.. (text.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(text) ?? [] : text.Split(','))
                .Select(item => item.Trim()).Where(item => item.Length > 0)];
            return items.Length > 0 ? items : throw new FormatException("lists nothing: separate entries with commas");
        }
        catch (JsonException)
        {
            throw new FormatException("is not a JSON array of strings such as [\"a\", \"b\"]");
        }
    }

    /// <summary>Host names as ASP.NET Core's host filtering matches them: <c>example.com</c>, <c>*.example.com</c> or <c>*</c>.</summary>
    public static IReadOnlyList<string> HostNames(string text) => List(text) is var hosts && hosts.All(HostPattern().IsMatch) ? hosts
        : throw new FormatException("must list host names only, such as example.com or *.example.com: no scheme (https://), port or path");

    public static string HostName(string text) => HostNames(text) is [var host] && host[0] != '*' ? host
        : throw new FormatException("is not one host name");

    /// <summary>A secret long and varied enough that guessing it is hopeless.</summary>
    public static string StrongSecret(string text) => text.Length >= 32 && text.Distinct().Count() >= 10 ? text
        : throw new FormatException("is too weak: it needs at least 32 characters, at least 10 of them different");

    [GeneratedRegex(@"^(\*|(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$")]
    private static partial Regex HostPattern();
}

/// <summary>One variable (or .env line) that is missing or malformed, and why.</summary>
public sealed record SettingProblem(string Name, string Reason, string Expected);

/// <summary>Thrown when settings are missing or malformed; its message is the report for the operator.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<SettingProblem> problems) : Exception(Report(problems))
{
    public IReadOnlyList<SettingProblem> Problems { get; } = problems;

    private static string Report(IReadOnlyList<SettingProblem> problems)
    {
        var width = problems.Max(problem => problem.Name.Length) + 2;
        var lines = problems.Select(problem => $"  {problem.Name.PadRight(width)}{problem.Reason}.\n  {new string(' ', width)}Expected: {problem.Expected}.");
        return $"""
            The app cannot start: {(problems.Count == 1 ? "1 setting is" : $"{problems.Count} settings are")} missing or invalid.

            {string.Join('\n', lines)}

            Set them as environment variables (on Heroku: heroku config:set NAME=value).
            In Development they can also go in a .env file; .env.example lists them all.
            """;
    }
}
