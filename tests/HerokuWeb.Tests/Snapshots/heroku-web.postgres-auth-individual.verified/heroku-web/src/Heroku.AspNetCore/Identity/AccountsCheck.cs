using System.Data.Common;
using Microsoft.AspNetCore.Identity;

namespace Heroku.AspNetCore;

/// <summary>
/// Accounts' part of <c>check</c>: outside Development, a way to send the confirmation email without which no one can
/// sign in; a list of allowed hosts, as links in emails and passkeys are made for the request's host; and an admin,
/// without whom no one sees <c>/jobs</c>.
/// </summary>
internal sealed class AccountsCheck<TUser>(EmailSettings email, HerokuSettings heroku) : IDeployCheck
    where TUser : class
{
    public async Task<IEnumerable<Finding>> CheckAsync(WebApplication app, IReadOnlyList<string> options)
    {
        var findings = new List<Finding>();
        var deployed = !app.Environment.IsDevelopment();
        if (deployed && email.Server is null)
        {
            findings.Add(Finding.Error("ACCOUNTS",
                "cannot be confirmed: no email server is set, so no confirmation or password reset email leaves and no one who signs up can sign in. Set EMAIL_URL (README, \"Email\")."));
        }
        else if (deployed && email.Server is { Backend: EmailBackend.Console })
        {
            findings.Add(Finding.Error("ACCOUNTS",
                "cannot be confirmed: EMAIL_URL is consolemail://, so confirmation and password reset links go to the log, not to the people who signed up."));
        }

        if (heroku.AllowedHosts.Contains("*"))
        {
            findings.Add(Finding.Error("ACCOUNTS",
                "take any host: ALLOWED_HOSTS is *, and the links in account emails and passkeys are made for the host a request names, so a forged Host header can send a password reset link to another site. List the app's hosts in ALLOWED_HOSTS."));
        }

        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<TUser>>();
            if ((await users.GetUsersInRoleAsync(AccountsExtensions.AdminRole)).Count == 0)
            {
                findings.Add(Finding.Warning("ACCOUNTS",
                    $"have no admin, so no one sees {JobsExtensions.DashboardPath}: once you have signed up, run `{app.Environment.ApplicationName} admin YOUR-EMAIL`."));
            }
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or TimeoutException)
        {
            // The database's own part of check names what is wrong with it.
        }
        return findings;
    }
}
