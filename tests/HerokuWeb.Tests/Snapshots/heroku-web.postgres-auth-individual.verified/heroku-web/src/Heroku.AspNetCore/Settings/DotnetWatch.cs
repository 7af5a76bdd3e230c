namespace Heroku.AspNetCore;

/// <summary>
/// What `dotnet watch` tells the app it starts. These variables are no settings of the app's (nothing to set, never
/// set on Heroku), so <see cref="HerokuSettings"/> does not declare them; they are read here, beside it.
/// </summary>
internal static class DotnetWatch
{
    /// <summary>
    /// The browser-refresh server's WebSocket URLs, comma-separated (ws://, and wss:// with HTTPS), which the script
    /// that dotnet watch adds to every page connects to.
    /// </summary>
    public const string BrowserRefreshEndpoints = "ASPNETCORE_AUTO_RELOAD_WS_ENDPOINT";

    /// <summary>The origins of those URLs, for the Content Security Policy; none without dotnet watch.</summary>
    public static IReadOnlyList<string> BrowserRefreshOrigins(IConfiguration configuration) =>
        [.. (configuration[BrowserRefreshEndpoints] ?? "")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            // Only what dotnet watch sets goes into the policy: a WebSocket origin, never a directive of its own.
            .Select(endpoint => Uri.TryCreate(endpoint, UriKind.Absolute, out var url) && url.Scheme is "ws" or "wss"
                ? $"{url.Scheme}://{url.Authority}"
                : null)
            .OfType<string>()
            .Distinct()];
}
