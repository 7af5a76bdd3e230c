using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace Heroku.AspNetCore.Tests;

/// <summary>Minimal apps built the way an app's Program.cs uses the platform, served in memory by TestServer.</summary>
internal static class TestApps
{
    /// <summary>
    /// Not Development, so Production's HTTPS rules apply, and not Production, whose shutdown drain would
    /// add a pause to every test's end.
    /// </summary>
    public const string Environment = "Testing";

    /// <summary>One name for every app the tests build: the key ring is shared by apps of the same name.</summary>
    public static readonly string ApplicationName = typeof(TestApps).Assembly.GetName().Name!;

    public static WebApplicationBuilder CreateBuilder(string environment = Environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = ApplicationName,
            EnvironmentName = environment,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseTestServer();
        return builder;
    }

    /// <summary>Starts <paramref name="app"/> and returns a client that talks HTTPS, as visitors do through Heroku's router.</summary>
    public static async Task<HttpClient> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var client = app.GetTestClient();
        client.BaseAddress = new Uri("https://localhost/");
        return client;
    }
}
