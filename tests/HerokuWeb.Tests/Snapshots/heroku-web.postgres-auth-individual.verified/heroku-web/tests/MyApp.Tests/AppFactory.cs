using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Heroku.AspNetCore;

namespace MyApp.Tests;

/// <summary>The whole app, in memory, with settings of its own (a developer's .env is never read).</summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    /// <summary>A host name as visitors use it; HSTS is never sent to localhost.</summary>
    public const string PublicHost = "app.example.com";

    public const string SecretKey = "test-only-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Not Development: .env stays unread and Production's HTTPS rules apply.
        builder.UseEnvironment("Testing");
        builder.UseSetting("SECRET_KEY", SecretKey);
        builder.UseSetting("ALLOWED_HOSTS", $"localhost,{PublicHost}");
        builder.UseSetting("DATABASE_URL", TestDatabase.UrlOrPlaceholder);
    }

    /// <summary>A client that talks HTTPS, as visitors do through Heroku's router.</summary>
    public HttpClient CreateHttpsClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
}
