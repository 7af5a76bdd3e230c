using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using HerokuApp._1.Data;

namespace HerokuApp._1.Tests.Data;

/// <summary>The PostgreSQL database the tests may write to, named by TEST_DATABASE_URL.</summary>
public static class TestDatabase
{
    public const string VariableName = "TEST_DATABASE_URL";

    // Lets tests that never open a connection run without a database.
    private const string Placeholder = "postgres://tests@localhost:1/no-database?sslmode=disable";

    public static string? Url => Environment.GetEnvironmentVariable(VariableName);

    public static string UrlOrPlaceholder => Url ?? Placeholder;

    public static string RequireUrl() => Url ?? throw new InvalidOperationException(
        $"Set {VariableName} to a PostgreSQL database these tests may write to, " +
        "e.g. postgres://postgres:postgres@localhost:5432/herokuapp__1_test?sslmode=disable");
}

/// <summary>The app on the test database, migrated once for the test class that uses it.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    public AppFactory App { get; } = new();

    public async ValueTask InitializeAsync()
    {
        TestDatabase.RequireUrl();
        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.MigrateAsync();
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
