using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HerokuApp._1.Data;

/// <summary>
/// A database that is down, hung or out of connections is an outage, not a bug in the page: the visitor
/// gets 503 and a Retry-After rather than 500, and the router's metrics tell the two apart.
/// </summary>
public sealed class DatabaseUnavailableHandler : IExceptionHandler
{
    private const string RetryAfterSeconds = "10";

    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (IsUnavailable(exception))
        {
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        }
        // Not handled here: the error page renders as for any failure, with this status.
        return ValueTask.FromResult(false);
    }

    // Npgsql marks as transient what may pass by itself: timeouts, refused or broken connections, an exhausted
    // pool, a server shutting down. A missing table or a bad query is not, and stays a 500.
    private static bool IsUnavailable(Exception exception) => exception switch
    {
        NpgsqlException npgsql => npgsql.IsTransient,
        DbUpdateException { InnerException: { } inner } => IsUnavailable(inner),
        InvalidOperationException { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };
}
