using System.Net;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Heroku.AspNetCore.Tests.Accounts;

/// <summary>The check of the security stamp on every signed-in request: what it costs, and what it still catches.</summary>
public sealed class SecurityStampTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_signed_in_request_reads_the_account_in_one_query_and_sets_no_cookie()
    {
        var logs = new ListLoggerProvider();
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_stamp_cost"), logs: logs);
        await AccountsApps.AddUserAsync(app, "ada@example.com");
        using var client = await AccountsApps.StartAsync(app);
        var cookies = await AccountsApps.SignInAsync(client, "ada@example.com");
        logs.Lines.Clear();

        var response = await AccountsApps.GetAsync(client, "/test/who", cookies);

        var queries = logs.Lines.Count(line => line.Text.StartsWith($"{AccountsApps.DbCommandCategory} Executed DbCommand", StringComparison.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine($"queries per signed-in request: {queries}");
        Assert.Equal("ada@example.com", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, queries);
        Assert.False(response.Headers.Contains("Set-Cookie"), string.Join(" | ", response.Headers.TryGetValues("Set-Cookie", out var values) ? values : []));
    }

    [Fact]
    public async Task A_role_given_to_a_signed_in_account_counts_from_its_next_request()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_stamp_role"));
        await AccountsApps.AddUserAsync(app, "ada@example.com");
        using var client = await AccountsApps.StartAsync(app);
        var cookies = await AccountsApps.SignInAsync(client, "ada@example.com");
        Assert.Equal(HttpStatusCode.Forbidden, (await AccountsApps.GetAsync(client, "/jobs", cookies)).StatusCode);

        await CapturedConsole.RunWithOutputAsync(() => Commands.Find(app.Services, "admin")!.RunAsync(app, ["ada@example.com"]));

        Assert.Equal(HttpStatusCode.OK, (await AccountsApps.GetAsync(client, "/jobs", cookies)).StatusCode);
    }

    [Fact]
    public async Task A_session_whose_account_is_deleted_is_signed_out_at_its_next_request()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_stamp_deleted"));
        var user = await AccountsApps.AddUserAsync(app, "ada@example.com");
        using var client = await AccountsApps.StartAsync(app);
        var cookies = await AccountsApps.SignInAsync(client, "ada@example.com");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            await users.DeleteAsync((await users.FindByIdAsync(user.Id))!);
        }

        Assert.Equal("nobody", await (await AccountsApps.GetAsync(client, "/test/who", cookies)).Content.ReadAsStringAsync());
    }
}
