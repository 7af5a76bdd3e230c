using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Heroku.AspNetCore;

/// <summary>
/// One line per entry for Heroku's log router, which timestamps each line and splits any over 10,000 bytes:
/// <c>fail: Category[event] message Exception.Type: message</c>, then <c>request_id=</c> and the router's request id
/// if it was written while serving a request (<see cref="RouterRequestId"/>). The stack trace is added only where it
/// helps: in Development on the lines below, indented, for a terminal; with DEBUG=true elsewhere on the
/// entry's own line. Whatever ends a line somewhere (CR, LF, VT, FF, NEL, U+2028, U+2029) becomes a space on
/// the entry's line and an indented line break below it, so a visitor's text cannot forge an entry in any
/// log viewer; other control characters but tab become '?' (<see cref="LogText"/>).
/// </summary>
internal sealed class HerokuConsoleFormatter(IOptionsMonitor<HerokuConsoleFormatterOptions> options) : ConsoleFormatter(Name)
{
    public new const string Name = "heroku";

    /// <summary>Heroku's limit, the line break included.</summary>
    public const int MaxLineBytes = LogText.MaxLineBytes;

    // As ASP.NET Core's simple console formatter indents what follows "fail: ".
    private const string Indent = "      ";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var exception = logEntry.Exception;
        // Nothing to say; or the host's report of an address another process holds, which the app
        // reports itself in one line (HerokuExtensions.RunHerokuAsync).
        if ((string.IsNullOrEmpty(message) && exception is null) || (exception is not null && HerokuExtensions.IsAddressInUse(exception)))
        {
            return;
        }

        var stackTraces = options.CurrentValue.StackTraces;
        var line = new StringBuilder()
            .Append(Level(logEntry.LogLevel)).Append(": ")
            .Append(logEntry.Category).Append('[').Append(logEntry.EventId.Id).Append("] ")
            .Append(message);
        var explained = exception is IExplainedException;
        if (exception is not null)
        {
            line.Append(' ').Append(explained ? $"{exception.GetType().FullName}: {exception.Message}"
                : stackTraces == StackTraces.OnTheLine ? exception.ToString() : Describe(exception));
        }
        // Last, after whatever the line had to lose to fit, so that a line always leads to the router's.
        var requestId = RouterRequestId.InScope(scopeProvider) is { } id ? $" request_id={id}" : "";
        textWriter.Write(LogText.Line(line.ToString(), requestId));
        textWriter.Write('\n');

        if (exception is not null && !explained && stackTraces == StackTraces.Below)
        {
            // Every line below starts with the indent: nothing in the exception can start an entry of its own.
            textWriter.Write(Indent);
            textWriter.Write(LogText.OneLine(exception.ToString(), '\n').Replace("\n", "\n" + Indent, StringComparison.Ordinal));
            textWriter.Write('\n');
        }
    }

    // Each exception in the chain as "Type: message", the way exception.ToString() starts.
    private static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            parts.Add($"{current.GetType().FullName}: {current.Message}");
        }
        return string.Join(" ---> ", parts);
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString(),
    };
}

/// <summary>
/// Text made safe for one line of Heroku's log, for the formatter and for the settings report, which is
/// written to stderr before there is a logger.
/// </summary>
internal static class LogText
{
    /// <summary>Heroku's limit, the line break included: the log router splits longer lines.</summary>
    public const int MaxLineBytes = 10_000;

    private const string Cut = " …";

    // C0 but tab, DEL, C1 (NEL among them), and Unicode's line and paragraph separators.
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(string.Concat(Enumerable.Range(0, 0xA0)
        .Where(c => c is (< 0x20 and not '\t') or >= 0x7F).Select(c => (char)c)) + "\u2028\u2029");

    /// <summary>
    /// <paramref name="text"/> on one line, then <paramref name="suffix"/> (safe text), at most <see cref="MaxLineBytes"/>
    /// with its line break: what is cut to fit is cut from the text, never from the suffix.
    /// </summary>
    public static string Line(string text, string suffix = "") => Fit(OneLine(text), Encoding.UTF8.GetByteCount(suffix)) + suffix;

    /// <summary>
    /// <paramref name="text"/> without line breaks: each one (CR LF counts as one) becomes <paramref name="lineBreak"/>,
    /// and any other control character but tab a '?', so no text can forge a line or a terminal escape.
    /// </summary>
    public static string OneLine(string text, char lineBreak = ' ')
    {
        if (!text.AsSpan().ContainsAny(Unsafe))
        {
            return text;
        }
        var line = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue; // CR LF is one line break
            }
            line.Append(c is '\n' or '\r' or '\v' or '\f' or '\u0085' or '\u2028' or '\u2029' ? lineBreak : Unsafe.Contains(c) ? '?' : c);
        }
        return line.ToString();
    }

    /// <summary>At most <paramref name="length"/> characters of <paramref name="text"/>, then '…' if it was longer; never half a surrogate pair.</summary>
    public static string Shorten(string text, int length) =>
        text.Length <= length ? text : string.Concat(text.AsSpan(0, char.IsHighSurrogate(text[length - 1]) ? length - 1 : length), "…");

    // At most MaxLineBytes - 1 - room bytes of UTF-8, leaving room for the line break and a suffix, cut between characters.
    private static string Fit(string line, int room)
    {
        var limit = MaxLineBytes - 1 - room;
        if (Encoding.UTF8.GetByteCount(line) <= limit)
        {
            return line;
        }
        var bytes = Encoding.UTF8.GetBytes(line);
        var end = limit - Encoding.UTF8.GetByteCount(Cut);
        while ((bytes[end] & 0xC0) == 0x80)
        {
            end--; // never half a character
        }
        return Encoding.UTF8.GetString(bytes, 0, end) + Cut;
    }
}

/// <summary>
/// An exception whose message says what happened and what to do, for a condition that is not a bug: the log
/// shows its type and message alone, never its stack trace or inner exceptions.
/// </summary>
internal interface IExplainedException;

/// <summary>Where an exception's stack trace goes, if anywhere.</summary>
internal enum StackTraces
{
    /// <summary>Nowhere: the exception's type and message say what failed.</summary>
    None,

    /// <summary>On the entry's one line, which Heroku's log router keeps whole.</summary>
    OnTheLine,

    /// <summary>On the lines below the entry, indented, as a terminal shows it best.</summary>
    Below,
}

internal sealed class HerokuConsoleFormatterOptions : ConsoleFormatterOptions
{
    public StackTraces StackTraces { get; set; }
}

internal static class HerokuLoggingExtensions
{
    public static ILoggingBuilder AddHerokuConsole(this ILoggingBuilder logging, StackTraces stackTraces)
    {
        logging.AddConsole(options => options.FormatterName = HerokuConsoleFormatter.Name);
        return logging.AddConsoleFormatter<HerokuConsoleFormatter, HerokuConsoleFormatterOptions>(
            options => options.StackTraces = stackTraces);
    }
}
