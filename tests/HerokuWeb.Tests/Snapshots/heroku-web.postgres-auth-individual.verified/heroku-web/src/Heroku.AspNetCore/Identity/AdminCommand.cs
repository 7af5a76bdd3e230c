using System.Data.Common;
using Microsoft.AspNetCore.Identity;

namespace Heroku.AspNetCore;

/// <summary>
/// <c>App admin EMAIL</c>, as Django's <c>createsuperuser</c> makes the first one: gives the account with that email
/// the <see cref="AccountsExtensions.AdminRole"/> role, which opens <c>/jobs</c> and every operator page. The account
/// signs up and confirms its email first, as anyone does. <c>admin --remove EMAIL</c> takes the role back. On Heroku:
/// <c>heroku run "cd src/App/bin/publish &amp;&amp; ./App admin EMAIL"</c>.
/// </summary>
internal sealed class AdminCommand<TUser> : ICommand
    where TUser : class
{
    public string Name => "admin";

    public async Task<int> RunAsync(WebApplication app, IReadOnlyList<string> options)
    {
        var (email, remove) = options switch
        {
            [var address] when !address.StartsWith('-') => (address, false),
            ["--remove", var address] when !address.StartsWith('-') => (address, true),
            _ => (null, false),
        };
        if (email is null)
        {
            await Console.Error.WriteLineAsync("admin: give the email of one account. Usage: admin EMAIL, or admin --remove EMAIL");
            return ExitCodes.Usage;
        }

        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<TUser>>();
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            if (await users.FindByEmailAsync(email) is not { } user)
            {
                await Console.Error.WriteLineAsync($"admin failed: no account has the email {email}. Sign up with it first, then run this again.");
                return 1;
            }
            if (remove)
            {
                return await RemoveAsync(users, user, email);
            }
            // Anyone can sign up with any address: until its owner follows the emailed link, the account may be someone else's.
            if (!await users.IsEmailConfirmedAsync(user))
            {
                await Console.Error.WriteLineAsync($"admin failed: {email} is not confirmed yet. Follow the link emailed at sign-up, then run this again.");
                return 1;
            }
            if (await users.IsInRoleAsync(user, AccountsExtensions.AdminRole))
            {
                Console.WriteLine($"admin: {email} is already an admin.");
                return 0;
            }
            if (!await roles.RoleExistsAsync(AccountsExtensions.AdminRole)
                && await roles.CreateAsync(new IdentityRole(AccountsExtensions.AdminRole)) is { Succeeded: false } created)
            {
                await Console.Error.WriteLineAsync($"admin failed: {Describe(created)}");
                return 1;
            }
            if (await users.AddToRoleAsync(user, AccountsExtensions.AdminRole) is { Succeeded: false } added)
            {
                await Console.Error.WriteLineAsync($"admin failed: {Describe(added)}");
                return 1;
            }
            Console.WriteLine($"admin: {email} is now an admin, and sees {JobsExtensions.DashboardPath} from their next page.");
            return 0;
        }
        catch (Exception exception) when (DatabaseUnavailable.IsUnreachable(exception))
        {
            var url = app.Services.GetRequiredService<DatabaseSettings>().Url;
            await Console.Error.WriteLineAsync(
                $"admin failed: {DatabaseUnavailable.CannotBeReached(url, PostgresExtensions.Describe(exception))} {DatabaseUnavailable.WhatToDo(app.Environment)}");
            return 1;
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or TimeoutException)
        {
            // Tables missing (no migrate yet) land here too, in the database's words.
            await Console.Error.WriteLineAsync($"admin failed: {PostgresExtensions.Describe(exception)}");
            return 1;
        }
    }

    private static async Task<int> RemoveAsync(UserManager<TUser> users, TUser user, string email)
    {
        if (!await users.IsInRoleAsync(user, AccountsExtensions.AdminRole))
        {
            Console.WriteLine($"admin: {email} is not an admin.");
            return 0;
        }
        if (await users.RemoveFromRoleAsync(user, AccountsExtensions.AdminRole) is { Succeeded: false } removed)
        {
            await Console.Error.WriteLineAsync($"admin failed: {Describe(removed)}");
            return 1;
        }
        // A new security stamp signs out every session of theirs at its next request, whatever the cookie still says.
        if (await users.UpdateSecurityStampAsync(user) is { Succeeded: false } renewed)
        {
            await Console.Error.WriteLineAsync($"admin failed: {Describe(renewed)}");
            return 1;
        }
        Console.WriteLine($"admin: {email} is no longer an admin, and is signed out everywhere.");
        return 0;
    }

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(error => error.Description));
}
