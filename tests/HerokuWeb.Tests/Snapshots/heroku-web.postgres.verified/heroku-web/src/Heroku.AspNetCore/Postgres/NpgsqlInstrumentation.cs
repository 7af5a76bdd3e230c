using System.Diagnostics;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Heroku.AspNetCore;

/// <summary>
/// Npgsql's spans (one per command) and metrics (its pool, its commands), when telemetry is on. A command outside any
/// request or job (the job queue polling every few seconds, a worker's heartbeat) would be a trace of its own, many a
/// minute: such commands are not recorded, so not exported, by a listener of this class's own (an OpenTelemetry
/// processor would derive from one of its types; see <see cref="IInstrumentation"/>).
/// </summary>
internal sealed class NpgsqlInstrumentation : IInstrumentation, IDisposable
{
    private const string Source = "Npgsql";

    private readonly ActivityListener _commandsOnTheirOwn = new()
    {
        ShouldListenTo = source => source.Name == Source,
        // Sampling is OpenTelemetry's: this listener asks for nothing.
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
        ActivityStarted = activity =>
        {
            if (activity.ParentSpanId == default)
            {
                activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                activity.IsAllDataRequested = false;
            }
        },
    };

    public void AddTo(TracerProviderBuilder tracing)
    {
        ActivitySource.AddActivityListener(_commandsOnTheirOwn);
        tracing.AddNpgsql();
    }

    public void AddTo(MeterProviderBuilder metrics) => metrics.AddNpgsqlInstrumentation();

    public void Dispose() => _commandsOnTheirOwn.Dispose();
}
