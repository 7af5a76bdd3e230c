using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Heroku.AspNetCore;

/// <summary>
/// Not ready until the release phase has applied every migration: a web dyno that starts first (or on a
/// database restored from an older backup) would serve errors on every page that reads the database.
/// </summary>
internal sealed class PendingMigrationsHealthCheck<TContext>(TContext db) : IHealthCheck
    where TContext : DbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"Migrations not applied: {string.Join(", ", pending)}.");
    }
}
