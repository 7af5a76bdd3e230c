using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Heroku.AspNetCore;

/// <summary>Npgsql's spans (one per command) and metrics (its pool, its commands), when telemetry is on.</summary>
internal sealed class NpgsqlInstrumentation : IInstrumentation
{
    public void AddTo(TracerProviderBuilder tracing) => tracing.AddNpgsql();

    public void AddTo(MeterProviderBuilder metrics) => metrics.AddNpgsqlInstrumentation();
}
