using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Heroku.AspNetCore.Tests.Accounts;

/// <summary><c>App admin EMAIL</c>, run from the app as <c>heroku run</c> runs it.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class AdminCommandTests(PostgresServer postgres)
{
    [Fact]
    public async Task It_makes_the_account_with_that_email_an_admin_once()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("admin_grant"));
        var user = await AccountsApps.AddUserAsync(app, "ada@example.com");
        var admin = Commands.Find(app.Services, "admin")!;

        var first = await CapturedConsole.RunWithOutputAsync(() => admin.RunAsync(app, ["ada@example.com"]));
        var second = await CapturedConsole.RunWithOutputAsync(() => admin.RunAsync(app, ["ADA@example.com"]));

        Assert.Equal((0, "admin: ada@example.com is now an admin, and sees /jobs from their next page.\n", ""), first);
        Assert.Equal((0, "admin: ADA@example.com is already an admin.\n", ""), second);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        Assert.Equal([AccountsExtensions.AdminRole], await users.GetRolesAsync((await users.FindByIdAsync(user.Id))!));
    }

    [Fact]
    public async Task An_email_no_account_has_fails_with_what_to_do()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("admin_unknown"));
        var admin = Commands.Find(app.Services, "admin")!;

        var (exitCode, output, error) = await CapturedConsole.RunWithOutputAsync(() => admin.RunAsync(app, ["nobody@example.com"]));

        Assert.Equal(1, exitCode);
        Assert.Equal("", output);
        Assert.Equal("admin failed: no account has the email nobody@example.com. Sign up with it first, then run this again.\n", error);
    }

    [Fact]
    public async Task An_account_whose_email_is_not_confirmed_is_refused_with_what_to_do()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("admin_unconfirmed"));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            Assert.True((await users.CreateAsync(new IdentityUser { UserName = "ada@example.com", Email = "ada@example.com" }, AccountsApps.Password)).Succeeded);
        }
        var admin = Commands.Find(app.Services, "admin")!;

        var (exitCode, output, error) = await CapturedConsole.RunWithOutputAsync(() => admin.RunAsync(app, ["ada@example.com"]));

        Assert.Equal((1, ""), (exitCode, output));
        Assert.Equal("admin failed: ada@example.com is not confirmed yet. Follow the link emailed at sign-up, then run this again.\n", error);
        await using var check = app.Services.CreateAsyncScope();
        Assert.Empty(await check.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().GetUsersInRoleAsync(AccountsExtensions.AdminRole));
    }

    [Fact]
    public async Task Remove_takes_the_role_back_and_signs_the_account_out_everywhere()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("admin_remove"));
        var user = await AccountsApps.AddUserAsync(app, "ada@example.com");
        var admin = Commands.Find(app.Services, "admin")!;
        await CapturedConsole.RunWithOutputAsync(() => admin.RunAsync(app, ["ada@example.com"]));
        string? stamp;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            stamp = (await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByIdAsync(user.Id))!.SecurityStamp;
        }

        var first = await CapturedConsole.RunWithOutputAsync(() => admin.RunAsync(app, ["--remove", "ada@example.com"]));
        var second = await CapturedConsole.RunWithOutputAsync(() => admin.RunAsync(app, ["--remove", "ada@example.com"]));

        Assert.Equal((0, "admin: ada@example.com is no longer an admin, and is signed out everywhere.\n", ""), first);
        Assert.Equal((0, "admin: ada@example.com is not an admin.\n", ""), second);
        await using var check = app.Services.CreateAsyncScope();
        var users = check.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var removed = (await users.FindByIdAsync(user.Id))!;
        Assert.Empty(await users.GetRolesAsync(removed));
        Assert.NotEqual(stamp, removed.SecurityStamp);
    }

    [Theory]
    [InlineData]
    [InlineData("ada@example.com", "linus@example.com")]
    [InlineData("--help")]
    [InlineData("--remove")]
    [InlineData("--remove", "--help")]
    public async Task Anything_but_one_email_is_refused_with_the_usage(params string[] options)
    {
        await using var app = AccountsApps.Create(TestSettings.NoDatabaseUrl);
        var admin = Commands.Find(app.Services, "admin")!;

        var (exitCode, error) = await CapturedConsole.RunAsync(() => admin.RunAsync(app, options));

        Assert.Equal(64, exitCode);
        Assert.Equal("admin: give the email of one account. Usage: admin EMAIL, or admin --remove EMAIL\n", error);
    }

    [Fact]
    public async Task A_database_without_the_accounts_tables_fails_in_the_databases_words()
    {
        var url = await postgres.CreateDatabaseAsync("admin_unmigrated");
        await using var app = AccountsApps.Create(url);
        var admin = Commands.Find(app.Services, "admin")!;

        var (exitCode, error) = await CapturedConsole.RunAsync(() => admin.RunAsync(app, ["ada@example.com"]));

        Assert.Equal(1, exitCode);
        Assert.StartsWith("admin failed: ", error, StringComparison.Ordinal);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }
}
