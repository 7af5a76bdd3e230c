using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Heroku.AspNetCore;

/// <summary>
/// How often one visitor may submit a public form: pages that take posts from anyone carry
/// [EnableRateLimiting(RateLimits.PublicForm)]. Reading the page is never limited.
/// </summary>
public static class RateLimits
{
    /// <summary>The policy for a page whose form anyone may post: <c>[EnableRateLimiting(RateLimits.PublicForm)]</c>.</summary>
    public const string PublicForm = "public-form";

    /// <summary>Posts one client address may make in <see cref="Window"/>. Other limits: a policy of the app's own (AddRateLimiter).</summary>
    public const int PostsPerWindow = 10;

    /// <summary>The window in which <see cref="PostsPerWindow"/> posts are allowed.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    internal static IServiceCollection AddPublicFormRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(options =>
        {
            // Nothing written here: the status code page renders 429 like any other error.
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter =
                        ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }
                return ValueTask.CompletedTask;
            };

            // Per visitor: the address the router forwarded (Hosting/HerokuExtensions.cs), not the router's own.
            options.AddPolicy(PublicForm, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = PostsPerWindow, Window = Window, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter(""));
        });
}
