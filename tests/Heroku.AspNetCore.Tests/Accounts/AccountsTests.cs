using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Heroku.AspNetCore.Tests.Accounts;

/// <summary>What AddHerokuAccounts gives an app: its cookie, the security stamp, the jobs dashboard for admins alone.</summary>
public sealed class AccountsTests(PostgresServer postgres)
{
    private const string DashboardPassword = "dashboard-pa55word-0123456789-abcdef";

    [Fact]
    public async Task The_sign_in_cookie_is_secure_http_only_and_same_site_lax()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_cookie"));
        await AccountsApps.AddUserAsync(app, "ada@example.com");
        using var client = await AccountsApps.StartAsync(app);

        var response = await client.PostAsync("/test/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "ada@example.com",
            ["password"] = AccountsApps.Password,
        }));

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), value => value.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        var attributes = cookie.Split(';').Skip(1).Select(attribute => attribute.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
    }

    [Fact]
    public async Task A_new_security_stamp_signs_out_a_session_at_its_very_next_request()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_stamp"));
        var user = await AccountsApps.AddUserAsync(app, "ada@example.com");
        using var client = await AccountsApps.StartAsync(app);
        var cookies = await AccountsApps.SignInAsync(client, "ada@example.com");
        Assert.Equal("ada@example.com", await (await AccountsApps.GetAsync(client, "/test/who", cookies)).Content.ReadAsStringAsync());

        // What a password change or reset does elsewhere.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            await users.UpdateSecurityStampAsync((await users.FindByIdAsync(user.Id))!);
        }

        Assert.Equal("nobody", await (await AccountsApps.GetAsync(client, "/test/who", cookies)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Five_wrong_passwords_in_a_row_lock_an_account_for_a_quarter_of_an_hour()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_lockout"));
        await AccountsApps.AddUserAsync(app, "ada@example.com");
        using var client = await AccountsApps.StartAsync(app);
        var answers = new List<string>();

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var response = await client.PostAsync("/test/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "ada@example.com", ["password"] = "wrong" }));
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(["Failed", "Failed", "Failed", "Failed", "LockedOut"], answers);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var end = await users.GetLockoutEndDateAsync((await users.FindByEmailAsync("ada@example.com"))!);
        Assert.InRange(end!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task The_jobs_dashboard_sends_a_visitor_to_sign_in_answers_403_to_a_user_and_opens_to_an_admin()
    {
        var url = await postgres.CreateDatabaseAsync("accounts_dashboard");
        await using var app = await AccountsApps.MigratedAsync(url);
        await AccountsApps.AddUserAsync(app, "ada@example.com");
        await AccountsApps.AddUserAsync(app, "linus@example.com");
        var admin = Commands.Find(app.Services, "admin")!;
        Assert.Equal(0, (await CapturedConsole.RunWithOutputAsync(() => admin.RunAsync(app, ["ada@example.com"]))).Result);
        using var client = await AccountsApps.StartAsync(app);

        var visitor = await AccountsApps.GetAsync(client, "/jobs", cookies: null);
        var user = await AccountsApps.GetAsync(client, "/jobs", await AccountsApps.SignInAsync(client, "linus@example.com"));
        var administrator = await AccountsApps.GetAsync(client, "/jobs", await AccountsApps.SignInAsync(client, "ada@example.com"));

        Assert.Equal(HttpStatusCode.Redirect, visitor.StatusCode);
        Assert.Equal("https://localhost/Account/Login?ReturnUrl=%2Fjobs", visitor.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        Assert.Equal("error page: 403", await user.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, administrator.StatusCode);
    }

    [Theory]
    [InlineData("www.example.com")]
    [InlineData("my-app-0123456789ab.herokuapp.com")]
    public async Task A_passkey_is_made_for_the_host_the_visitor_used(string host)
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_passkey_host"),
            heroku: TestSettings.Heroku(allowedHosts: "www.example.com,my-app-0123456789ab.herokuapp.com"));
        app.MapPost("/test/passkey-options", async (SignInManager<IdentityUser> signIn) => Results.Content(
            await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity { Id = "user-1", Name = "ada@example.com", DisplayName = "ada@example.com" }),
            "application/json"));
        using var client = await AccountsApps.StartAsync(app);
        client.BaseAddress = new Uri($"https://{host}/");

        var options = JsonDocument.Parse(await (await client.PostAsync("/test/passkey-options", null)).Content.ReadAsStringAsync());

        Assert.Equal(host, options.RootElement.GetProperty("rp").GetProperty("id").GetString());
    }

    [Fact]
    public async Task With_accounts_the_jobs_password_opens_nothing()
    {
        await using var app = AccountsApps.Create(TestSettings.NoDatabaseUrl, jobs: TestSettings.Jobs(DashboardPassword));
        using var client = await AccountsApps.StartAsync(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/jobs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"operator:{DashboardPassword}")));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }
}
