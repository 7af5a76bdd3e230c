using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;

namespace Heroku.AspNetCore;

/// <summary>
/// The dashboard's guard until the app has sign-in: HTTP Basic authentication with <c>JOBS_PASSWORD</c> and any
/// user name, which a browser asks for in a prompt of its own. Heroku's router serves only HTTPS to the
/// browser, so the password never travels in the clear. Null: open, as MapHerokuJobsDashboard allows in
/// Development only.
/// </summary>
internal sealed class JobsDashboardPassword(string? password) : IDashboardAuthorizationFilter
{
    private readonly byte[]? _expected = password is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(password));

    public bool Authorize(DashboardContext context)
    {
        if (_expected is null)
        {
            return true;
        }
        var http = context.GetHttpContext();
        if (Given(http.Request.Headers.Authorization) is { } given
            // Hashed first, so the comparison takes as long whatever the length of the password given.
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _expected))
        {
            return true;
        }
        // Hangfire answers 401, which the app's error page renders; this header makes the browser ask.
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"Jobs\", charset=\"UTF-8\"";
        return false;
    }

    // The password in "Authorization: Basic base64(user:password)", or null.
    private static string? Given(string? header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value)
            || !value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
        {
            return null;
        }
        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : credentials[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
