using System.Diagnostics.Tracing;

namespace Heroku.AspNetCore;

/// <summary>
/// A failed export, which OpenTelemetry's exporter reports only on its EventSource, where nobody looks, as a warning
/// in the app's log: the endpoint and the first line of what went wrong, at most once a minute (with a count of the
/// failures in between), so a backend that is down cannot fill the log. Only the exporter's errors are read: its
/// warnings may quote a variable's value, and the headers' are secret.
/// </summary>
internal sealed class ExportFailures : EventListener
{
    private const string ExporterSource = "OpenTelemetry-Exporter-OpenTelemetryProtocol";

    // The exporter's events with an exception: could not reach the endpoint (the URL, then the exception), and an
    // error in its export or send methods (the exception).
    private const int FailedToReachCollector = 2;

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private IServiceProvider? _services;
    private ILogger? _logger;
    private DateTime _lastWritten = DateTime.MinValue;
    private int _unwritten;

    /// <summary>
    /// Starts writing failures to the app's log, whose factory is found at the first failure: this is made while
    /// OpenTelemetry's providers are, one of which the log's factory itself needs.
    /// </summary>
    public ExportFailures(IServiceProvider services) => _services = services;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == ExporterSource)
        {
            EnableEvents(eventSource, EventLevel.Error);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (_services is not { } services || eventData.Level is not (EventLevel.Error or EventLevel.Critical) || eventData.Payload is not { Count: > 0 } payload)
        {
            return;
        }
        var failure = eventData.EventId == FailedToReachCollector && payload.Count > 1
            ? $"{payload[0]}: {FirstLine(payload[1])}"
            : FirstLine(payload[0]);
        int unwritten;
        lock (_lock)
        {
            var now = DateTime.UtcNow;
            if (now - _lastWritten < Interval)
            {
                _unwritten++;
                return;
            }
            (_lastWritten, unwritten, _unwritten) = (now, _unwritten, 0);
            _logger ??= services.GetRequiredService<ILoggerFactory>().CreateLogger("Heroku.AspNetCore.Telemetry");
        }
        _logger.LogWarning("telemetry: an export failed, and what it held is lost: {Failure}{Since}. Check the endpoint with the check command.",
            failure, unwritten == 0 ? "" : $" ({unwritten} more failures since the last of these lines)");
    }

    public override void Dispose()
    {
        _services = null;
        base.Dispose();
    }

    private static string FirstLine(object? text) =>
        text?.ToString() is { } value ? value.Split('\n', 2)[0].TrimEnd('\r') : "";
}
