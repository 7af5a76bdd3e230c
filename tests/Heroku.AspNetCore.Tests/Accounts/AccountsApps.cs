using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Heroku.AspNetCore.Tests.Accounts;

/// <summary>The smallest context AddHerokuAccounts accepts: Identity's tables and the key ring.</summary>
public sealed class TestAccountsDbContext(DbContextOptions<TestAccountsDbContext> options)
    : IdentityDbContext<IdentityUser>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
}

/// <summary>Apps with accounts on a real database, built as an app's Program.cs builds one.</summary>
internal static class AccountsApps
{
    public const string Password = "correct horse battery";

    /// <summary>The log category of EF Core's "Executed DbCommand", one entry per query.</summary>
    public const string DbCommandCategory = "Microsoft.EntityFrameworkCore.Database.Command";

    public static WebApplication Create(string databaseUrl, string environment = TestApps.Environment, EmailSettings? email = null, JobsSettings? jobs = null,
        HerokuSettings? heroku = null, ListLoggerProvider? logs = null)
    {
        var builder = TestApps.CreateBuilder(environment);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter<ListLoggerProvider>(DbCommandCategory, LogLevel.Information);
        }
        builder.AddHeroku(heroku ?? TestSettings.Heroku());
        builder.AddHerokuPostgres<TestAccountsDbContext>(TestSettings.Database(databaseUrl));
        builder.AddHerokuEmail(email ?? TestSettings.Email("smtp://127.0.0.1:1"));
        builder.AddHerokuJobs(jobs ?? TestSettings.Jobs());
        builder.AddHerokuAccounts<IdentityUser, TestAccountsDbContext>();
        return builder.Build();
    }

    /// <summary>An app whose database has Identity's tables (made from the model: the test context has no migrations) and the job queue's.</summary>
    public static async Task<WebApplication> MigratedAsync(string databaseUrl, string environment = TestApps.Environment, EmailSettings? email = null, JobsSettings? jobs = null,
        HerokuSettings? heroku = null, ListLoggerProvider? logs = null)
    {
        var app = Create(databaseUrl, environment, email, jobs, heroku, logs);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TestAccountsDbContext>().Database.EnsureCreatedAsync();
        }
        await TestDatabase.MigrateAsync(app.Services);
        return app;
    }

    /// <summary>A confirmed account.</summary>
    public static async Task<IdentityUser> AddUserAsync(WebApplication app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(error => error.Description)));
        return user;
    }

    /// <summary>
    /// The pipeline an app has (the platform's, sign-in, authorization, the dashboard), with two test endpoints: one
    /// that signs in with a password, as the app's sign-in page does, and one that says who is signed in.
    /// </summary>
    public static async Task<HttpClient> StartAsync(WebApplication app)
    {
        app.UseHeroku();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPost("/test/sign-in", async (HttpContext context, SignInManager<IdentityUser> signIn) =>
        {
            var form = await context.Request.ReadFormAsync();
            var result = await signIn.PasswordSignInAsync(form["email"].ToString(), form["password"].ToString(), isPersistent: false, lockoutOnFailure: true);
            return result.Succeeded ? Results.NoContent() : Results.Text(result.ToString());
        }).DisableAntiforgery();
        app.Map("/Error", (HttpContext context) => $"error page: {context.Response.StatusCode}");
        app.MapGet("/test/who", (HttpContext context) => context.User.Identity?.Name ?? "nobody");
        app.MapHerokuJobsDashboard();
        return await TestApps.StartAsync(app);
    }

    /// <summary>Signs <paramref name="email"/> in, and returns the cookie header that a browser would send after it.</summary>
    public static async Task<string> SignInAsync(HttpClient client, string email)
    {
        var response = await client.PostAsync("/test/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = email, ["password"] = Password }));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(cookie => cookie.Split(';')[0]));
    }

    public static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? cookies)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookies is not null)
        {
            request.Headers.Add("Cookie", cookies);
        }
        return await client.SendAsync(request);
    }
}
