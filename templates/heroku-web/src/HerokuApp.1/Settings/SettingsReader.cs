using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HerokuApp._1.Settings;

/// <summary>
/// Reads one environment variable per call and keeps going past a bad one, so that
/// <see cref="ThrowIfInvalid"/> can report every problem at once. A parser says what is wrong
/// by throwing <see cref="FormatException"/>; a secret's value is never repeated.
/// </summary>
public sealed class SettingsReader(IConfiguration configuration)
{
    private readonly List<SettingProblem> _problems = [];
    private readonly List<string> _names = [];

    /// <summary>The variables read so far, in the order they were declared.</summary>
    public IReadOnlyList<string> Names => _names;

    public T Optional<T>(string name, T fallback, Func<string, T> parse, string help, bool secret = false) =>
        Read(name, parse, help, secret, out var value) == true ? value : fallback;

    /// <summary>Reads a variable that must be set, or else take <paramref name="orElse"/>'s value.</summary>
    public T Required<T>(string name, Func<string, T> parse, string help, bool secret = false, string? orElse = null)
    {
        if (Read(name, parse, help, secret, out var value) is not null)
        {
            return value;
        }
        if (orElse is not null && Text(orElse) is { } fallback)
        {
            // A malformed stand-in is already reported under its own name.
            return Try(() => parse(fallback), out _);
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

    /// <summary>True when read, false when malformed (and reported), null when not set.</summary>
    private bool? Read<T>(string name, Func<string, T> parse, string help, bool secret, out T value)
    {
        _names.Add(name);
        value = default!;
        if (Text(name) is not { } text)
        {
            return null;
        }
        value = Try(() => parse(text), out var reason);
        if (reason is not null)
        {
            _problems.Add(new(name, reason + (secret ? " (value hidden: secret)" : $" (got \"{Printable(text)}\")"), help));
        }
        return reason is null;
    }

    private string? Text(string name) => configuration[name]?.Trim() is { Length: > 0 } text ? text : null;

    private static T Try<T>(Func<T> parse, out string? reason)
    {
        try
        {
            reason = null;
            return parse();
        }
        catch (FormatException exception)
        {
            reason = exception.Message;
            return default!;
        }
    }

    private static string Printable(string text) =>
        new string([.. text.Take(40).Select(c => char.IsControl(c) ? '?' : c)]) + (text.Length > 40 ? "…" : "");
}

/// <summary>The value types settings are made of. Each throws <see cref="FormatException"/> saying what is wrong.</summary>
public static partial class Parse
{
    /// <summary>pydantic's words: true/false, 1/0, yes/no, on/off, t/f, y/n, in any case; anything else is an error, not false.</summary>
    public static bool Boolean(string text) => text.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" or "t" or "y" => true,
        "false" or "0" or "no" or "off" or "f" or "n" => false,
        _ => throw new FormatException("is not a boolean: use true or false"),
    };

    public static int Integer(string text, int minimum, int maximum) =>
        !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? throw new FormatException("is not a whole number")
            : number < minimum || number > maximum ? throw new FormatException($"must be between {minimum} and {maximum}") : number;

    /// <summary>A JSON array of strings, as pydantic-settings reads lists, or comma-separated words.</summary>
    public static IReadOnlyList<string> List(string text)
    {
        string[] items;
        try
        {
            items = text.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(text) ?? [] : text.Split(',');
        }
        catch (JsonException)
        {
            throw new FormatException("is not a JSON array of strings such as [\"a\", \"b\"]");
        }
        items = [.. items.Select(item => item.Trim()).Where(item => item.Length > 0)];
        return items.Length > 0 ? items : throw new FormatException("lists nothing: separate entries with commas");
    }

    /// <summary>Host names as ASP.NET Core's host filtering matches them: <c>example.com</c>, <c>*.example.com</c> or <c>*</c>.</summary>
    public static IReadOnlyList<string> HostNames(string text) =>
        List(text) is var hosts && hosts.All(host => HostPattern().IsMatch(host)) ? hosts
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
public sealed class InvalidSettingsException(IReadOnlyList<SettingProblem> problems) : Exception(Format(problems))
{
    public IReadOnlyList<SettingProblem> Problems { get; } = problems;

    private static string Format(IReadOnlyList<SettingProblem> problems)
    {
        var width = problems.Max(problem => problem.Name.Length) + 2;
        var lines = problems.Select(problem =>
            $"  {problem.Name.PadRight(width)}{problem.Reason}.\n  {new string(' ', width)}Expected: {problem.Expected}.");
        var count = problems.Count == 1 ? "1 setting is" : $"{problems.Count} settings are";

        return $"""
            The app cannot start: {count} missing or invalid.

            {string.Join('\n', lines)}

            Set them as environment variables (on Heroku: heroku config:set NAME=value).
            In Development they can also go in a .env file; .env.example lists them all.
            """;
    }
}
