using HerokuWeb.Tests.Infrastructure;

namespace Heroku.AspNetCore.Tests.Accounts;

/// <summary>What <c>check</c> says about accounts.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class AccountsCheckTests(PostgresServer postgres)
{
    private static async Task<string> CheckAsync(Microsoft.AspNetCore.Builder.WebApplication app) =>
        (await CapturedConsole.RunWithOutputAsync(() => Commands.Find(app.Services, "check")!.RunAsync(app, []))).Output;

    [Fact]
    public async Task Without_an_email_server_outside_development_no_one_can_confirm_an_account_an_error()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_check_no_email"),
            email: TestSettings.Email(new Dictionary<string, string?>()));

        var output = await CheckAsync(app);

        Assert.Contains("ERROR   ACCOUNTS cannot be confirmed: no email server is set", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_written_to_the_log_outside_development_is_an_error_too()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_check_console"),
            email: TestSettings.Email("consolemail://"));

        var output = await CheckAsync(app);

        Assert.Contains("ERROR   ACCOUNTS cannot be confirmed: EMAIL_URL is consolemail://", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_development_the_log_is_where_confirmation_links_go_and_no_error_is_found()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_check_development"), "Development",
            email: TestSettings.Email(new Dictionary<string, string?>()));

        var output = await CheckAsync(app);

        Assert.DoesNotContain("ERROR   ACCOUNTS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_admin_is_a_warning_that_says_how_to_make_one_until_there_is_one()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_check_admin"), "Development");
        await AccountsApps.AddUserAsync(app, "ada@example.com");

        var before = await CheckAsync(app);
        await CapturedConsole.RunWithOutputAsync(() => Commands.Find(app.Services, "admin")!.RunAsync(app, ["ada@example.com"]));
        var after = await CheckAsync(app);

        Assert.Contains($"WARNING ACCOUNTS have no admin, so no one sees /jobs: once you have signed up, run `{TestApps.ApplicationName} admin YOUR-EMAIL`.", before, StringComparison.Ordinal);
        Assert.DoesNotContain("ACCOUNTS have no admin", after, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestApps.Environment)]
    [InlineData("Development")]
    public async Task ALLOWED_HOSTS_star_is_an_error_as_links_and_passkeys_are_made_for_the_requests_host(string environment)
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_check_any_host"), environment,
            heroku: TestSettings.Heroku(allowedHosts: "*"));

        var output = await CheckAsync(app);

        Assert.Contains("ERROR   ACCOUNTS take any host: ALLOWED_HOSTS is *", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_of_hosts_is_no_error()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_check_hosts"), "Development",
            heroku: TestSettings.Heroku(allowedHosts: "www.example.com,*.herokuapp.com"));

        var output = await CheckAsync(app);

        Assert.DoesNotContain("ALLOWED_HOSTS is *", output, StringComparison.Ordinal);
    }
}
