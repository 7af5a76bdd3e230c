using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Heroku.AspNetCore;

/// <summary>
/// Reads one environment variable per call, as a settings type declares them (pydantic-settings' idea),
/// and keeps going past a bad one, so <see cref="ThrowIfInvalid"/> reports them all at once. Parsers say
/// what is wrong by throwing <see cref="FormatException"/>; <see cref="Parse"/> has the common ones.
/// </summary>
/// <param name="configuration">Where the values come from: the environment, and .env in Development.</param>
public sealed class SettingsReader(IConfiguration configuration)
{
    private readonly List<SettingProblem> _problems = [];
    private readonly List<string> _names = [];

    /// <summary>The variables read so far, in the order they were declared.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>
    /// Reads the settings type that <paramref name="declare"/> makes, and throws one
    /// <see cref="InvalidSettingsException"/> that names every missing or malformed variable.
    /// </summary>
    public static T Read<T>(IConfiguration configuration, Func<SettingsReader, T> declare)
    {
        var reader = new SettingsReader(configuration);
        var settings = declare(reader);
        reader.ThrowIfInvalid();
        return settings;
    }

    /// <summary>A variable that may be unset or empty, when <paramref name="fallback"/> is its value.</summary>
    /// <param name="name">The environment variable.</param>
    /// <param name="fallback">The value when it is unset.</param>
    /// <param name="parse">Turns the text into the value; throws <see cref="FormatException"/> saying what is wrong.</param>
    /// <param name="help">What to set, for the report.</param>
    /// <param name="secret">True when the report must never repeat the value.</param>
    public T Optional<T>(string name, T fallback, Func<string, T> parse, string help, bool secret = false) =>
        Text(name) is { } text ? Read(name, text, parse, help, secret) : fallback;

    /// <summary>A variable that must be set, unless <paramref name="orElse"/>, read before it, is.</summary>
    /// <param name="name">The environment variable.</param>
    /// <param name="parse">Turns the text into the value; throws <see cref="FormatException"/> saying what is wrong.</param>
    /// <param name="help">What to set, for the report.</param>
    /// <param name="secret">True when the report must never repeat the value.</param>
    /// <param name="orElse">A variable whose value stands in for this one when this one is unset.</param>
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

    /// <summary>Throws one <see cref="InvalidSettingsException"/> naming every variable that was missing or malformed.</summary>
    public void ThrowIfInvalid()
    {
        if (_problems.Count > 0)
        {
            throw new InvalidSettingsException(_problems);
        }
    }

    private string? Text(string name)
    {
        if (!_names.Contains(name))
        {
            _names.Add(name);
        }
        return configuration[name]?.Trim() is { Length: > 0 } text ? text : null;
    }

    private T Read<T>(string name, string text, Func<string, T> parse, string help, bool secret)
    {
        var value = Try(parse, text, out var reason);
        if (reason is not null)
        {
            // A secret's value is never repeated; others help, cut short. A parser's reason may quote the value
            // too: it is kept to one line and well under the log router's 10,000 bytes as well.
            var shown = secret ? "value hidden: secret" : $"got {Quote(text)}";
            _problems.Add(new(name, $"{LogText.Shorten(LogText.OneLine(reason), 1000)} ({shown})", help));
        }
        return value;
    }

    // Enough of a bad value to recognise it, on one line: "aaaa…" (20000 characters).
    private static string Quote(string text) =>
        text.Length <= 100 ? $"\"{LogText.OneLine(text, '?')}\""
        : $"\"{LogText.OneLine(LogText.Shorten(text, 100), '?')}\" ({text.Length} characters)";

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

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
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

    /// <summary>One host name, without a wildcard.</summary>
    public static string HostName(string text) => HostNames(text) is [var host] && host[0] != '*' ? host
        : throw new FormatException("is not one host name");

    /// <summary>A secret long and varied enough that guessing it is hopeless.</summary>
    public static string StrongSecret(string text) => text.Length >= 32 && text.Distinct().Count() >= 10 ? text
        : throw new FormatException("is too weak: it needs at least 32 characters, at least 10 of them different");

    [GeneratedRegex(@"^(\*|(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$")]
    private static partial Regex HostPattern();
}

/// <summary>One variable (or .env line) that is missing or malformed, and why.</summary>
/// <param name="Name">The variable, or the .env line.</param>
/// <param name="Reason">What is wrong with it.</param>
/// <param name="Expected">What to set instead.</param>
public sealed record SettingProblem(string Name, string Reason, string Expected);

/// <summary>Thrown when settings are missing or malformed; its message is the report for the operator.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<SettingProblem> problems) : Exception(Report(problems))
{
    /// <summary>Every variable that is missing or malformed.</summary>
    public IReadOnlyList<SettingProblem> Problems { get; } = problems;

    // Written to stderr, where Heroku's log router splits lines over 10,000 bytes: each line is cut to fit,
    // and nothing in a problem can start a line of its own.
    private static string Report(IReadOnlyList<SettingProblem> problems)
    {
        var width = problems.Max(problem => problem.Name.Length) + 2;
        var lines = problems.Select(problem => LogText.Line($"  {problem.Name.PadRight(width)}{problem.Reason}.")
            + "\n" + LogText.Line($"  {new string(' ', width)}Expected: {problem.Expected}."));
        return $"""
            The app cannot start: {(problems.Count == 1 ? "1 setting is" : $"{problems.Count} settings are")} missing or invalid.

            {string.Join('\n', lines)}

            Set them as environment variables (on Heroku: heroku config:set NAME=value).
            In Development they can also go in a .env file; .env.example lists them all.
            """;
    }
}
