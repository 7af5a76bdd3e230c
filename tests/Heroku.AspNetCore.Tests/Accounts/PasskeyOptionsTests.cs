using System.Net;
using System.Text.Json;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;

namespace Heroku.AspNetCore.Tests.Accounts;

/// <summary>What the browser is told when it makes or uses a passkey.</summary>
public sealed class PasskeyOptionsTests(PostgresServer postgres)
{
    private static async Task<HttpClient> StartAsync(WebApplication app)
    {
        app.MapPost("/test/passkey-creation", async (SignInManager<IdentityUser> signIn) => Results.Content(
            await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity { Id = "user-1", Name = "ada@example.com", DisplayName = "ada@example.com" }),
            "application/json"));
        app.MapPost("/test/passkey-request", async (SignInManager<IdentityUser> signIn) => Results.Content(
            await signIn.MakePasskeyRequestOptionsAsync(user: null), "application/json"));
        return await AccountsApps.StartAsync(app);
    }

    [Fact]
    public async Task Making_and_using_a_passkey_require_the_device_to_verify_its_user()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_passkey_uv"));
        using var client = await StartAsync(app);

        using var creation = JsonDocument.Parse(await (await client.PostAsync("/test/passkey-creation", null)).Content.ReadAsStringAsync());
        using var request = JsonDocument.Parse(await (await client.PostAsync("/test/passkey-request", null)).Content.ReadAsStringAsync());

        Assert.Equal("required", creation.RootElement.GetProperty("authenticatorSelection").GetProperty("userVerification").GetString());
        Assert.Equal("required", request.RootElement.GetProperty("userVerification").GetString());
    }

    [Fact]
    public async Task A_host_outside_ALLOWED_HOSTS_gets_400_and_no_passkey_options()
    {
        await using var app = await AccountsApps.MigratedAsync(await postgres.CreateDatabaseAsync("accounts_passkey_refused_host"),
            heroku: TestSettings.Heroku(allowedHosts: "www.example.com"));
        using var client = await StartAsync(app);
        client.BaseAddress = new Uri("https://evil.example.net/");

        var response = await client.PostAsync("/test/passkey-creation", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("evil.example.net", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
