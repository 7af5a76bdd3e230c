using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Heroku.AspNetCore.Tests;

/// <summary>Every entry logged, as one line like the Heroku formatter's: message, then each exception's message.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ListLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = $"{category} {formatter(state, exception)}";
            for (var current = exception; current is not null; current = current.InnerException)
            {
                text += $" {current.GetType().FullName}: {current.Message}";
            }
            provider.Lines.Enqueue((logLevel, text));
        }
    }
}
