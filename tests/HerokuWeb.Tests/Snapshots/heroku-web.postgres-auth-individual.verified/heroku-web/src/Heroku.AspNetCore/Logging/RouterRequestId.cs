using System.Collections;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Heroku.AspNetCore;

/// <summary>
/// The router's <c>X-Request-ID</c>, which its log line for the request shows as <c>request_id=</c>, on every log
/// entry written while the app serves that request: at the end of the console line, as <c>request_id=</c> too, and,
/// with telemetry on, as the <c>heroku.request_id</c> attribute of the request's span and of each exported entry.
/// So <c>heroku logs | grep</c> on the router's id finds the app's lines, and the trace.
/// </summary>
internal static partial class RouterRequestId
{
    /// <summary>The request id when it has the router's form (20 to 200 of A-Z, a-z, 0-9, +, /, = and -), else null.</summary>
    public static string? Of(HttpRequest request) =>
        request.Headers["X-Request-ID"] is [{ } id] && Pattern().IsMatch(id) ? id : null;

    /// <summary>First in the pipeline: everything after it logs within the request id's scope.</summary>
    public static IApplicationBuilder UseRouterRequestId(this IApplicationBuilder app) => app.UseMiddleware<Middleware>();

    /// <summary>The request id of the innermost request scope, if the entry being written has one.</summary>
    public static string? InScope(IExternalScopeProvider? scopes)
    {
        if (scopes is null)
        {
            return null;
        }
        var found = new StrongBox<string?>();
        scopes.ForEachScope(static (scope, found) =>
        {
            if (scope is Scope { Id: var id })
            {
                found.Value = id;
            }
        }, found);
        return found.Value;
    }

    // Heroku's router passes a client's X-Request-ID through only in this form, and makes a UUID otherwise; locally,
    // with no router, anything else (a line break, a megabyte) stays out of logs and spans.
    [GeneratedRegex("^[A-Za-z0-9+/=-]{20,200}$")]
    private static partial Regex Pattern();

    private sealed class Middleware(RequestDelegate next, ILogger<Middleware> logger)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            if (Of(context.Request) is not { } id)
            {
                await next(context);
                return;
            }
            // The request's span, when telemetry is on (with it off, there is no span to tag).
            Activity.Current?.SetTag(TelemetryExtensions.RequestIdAttribute, id);
            using (logger.BeginScope(new Scope(id)))
            {
                await next(context);
            }
        }
    }

    // One key-value pair, which is how OpenTelemetry's log exporter (and any logger that reads scopes) sees it; the
    // console formatter finds it by its type.
    internal sealed class Scope(string id) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Id => id;

        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new(TelemetryExtensions.RequestIdAttribute, id) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"request_id={id}";
    }
}
