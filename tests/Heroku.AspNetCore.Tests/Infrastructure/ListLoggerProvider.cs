using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Heroku.AspNetCore.Tests;

/// <summary>
/// Every entry logged, as one line like the Heroku formatter's: message, then each exception's message; and with it
/// the router's request id that the console line would end with, if any.
/// </summary>
internal sealed class ListLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider? _scopes;

    public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

    public ConcurrentQueue<(string Text, string? RequestId)> RequestIds { get; } = new();

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

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
            provider.RequestIds.Enqueue((text, RouterRequestId.InScope(provider._scopes)));
        }
    }
}
