using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Heroku.AspNetCore;

/// <summary>
/// One line per entry for Heroku's log router, which timestamps each line and splits any over 10,000 bytes:
/// <c>fail: Category[event] message Exception.Type: message</c>. The stack trace is added only where it
/// helps (Development, DEBUG=true); elsewhere the exception's type and message say what failed.
/// </summary>
internal sealed class HerokuConsoleFormatter(IOptionsMonitor<HerokuConsoleFormatterOptions> options) : ConsoleFormatter(Name)
{
    public new const string Name = "heroku";

    /// <summary>Heroku's limit, the line break included.</summary>
    public const int MaxLineBytes = 10_000;

    private const string Cut = " …";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        // Nothing to say; or the host's report of an address another process holds, which the app
        // reports itself in one line (HerokuExtensions.RunHerokuAsync).
        if ((string.IsNullOrEmpty(message) && logEntry.Exception is null)
            || (logEntry.Exception is { } failure && HerokuExtensions.IsAddressInUse(failure)))
        {
            return;
        }

        var line = new StringBuilder()
            .Append(Level(logEntry.LogLevel)).Append(": ")
            .Append(logEntry.Category).Append('[').Append(logEntry.EventId.Id).Append("] ")
            .Append(message);
        if (logEntry.Exception is { } exception)
        {
            line.Append(' ').Append(options.CurrentValue.IncludeStackTraces ? exception.ToString() : Describe(exception));
        }
        line.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');

        textWriter.Write(Fit(line.ToString()));
        textWriter.Write('\n');
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

    private static string Fit(string line)
    {
        var limit = MaxLineBytes - 1;
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

internal sealed class HerokuConsoleFormatterOptions : ConsoleFormatterOptions
{
    public bool IncludeStackTraces { get; set; }
}

internal static class HerokuLoggingExtensions
{
    public static ILoggingBuilder AddHerokuConsole(this ILoggingBuilder logging, bool includeStackTraces)
    {
        logging.AddConsole(options => options.FormatterName = HerokuConsoleFormatter.Name);
        return logging.AddConsoleFormatter<HerokuConsoleFormatter, HerokuConsoleFormatterOptions>(
            options => options.IncludeStackTraces = includeStackTraces);
    }
}
