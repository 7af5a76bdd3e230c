using System.Globalization;
using System.Net;
using System.Net.Sockets;
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

    /// <summary>Posts one client address may make in a minute, unless FORM_POSTS_PER_MINUTE says otherwise.</summary>
    internal const int PostsPerMinute = 10;

    /// <summary>
    /// The same in Development, where clicking through the forms and running tests against the app must not trip
    /// it. The limiter and its 429 page still run: FORM_POSTS_PER_MINUTE=2 in .env shows them.
    /// </summary>
    internal const int DevelopmentPostsPerMinute = 1_000;


    /// <summary>
    /// The budget a client address draws on: an IPv4 address, or an IPv6 address's /64, which one subscriber holds
    /// whole (RFC 6177), so that walking through it buys no new budgets.
    /// </summary>
    internal static string Partition(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    internal static FixedWindowRateLimiterOptions PerMinute(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    internal static WebApplicationBuilder AddPublicFormRateLimits(this WebApplicationBuilder builder, HerokuSettings settings)
    {
        var permits = settings.FormPostsPerMinute ?? (builder.Environment.IsDevelopment() ? DevelopmentPostsPerMinute : PostsPerMinute);
        builder.Services.AddRateLimiter(options =>
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
                ? RateLimitPartition.GetFixedWindowLimiter(Partition(context.Connection.RemoteIpAddress), _ => PerMinute(permits))
                : RateLimitPartition.GetNoLimiter(""));
        });
        return builder;
    }
}
