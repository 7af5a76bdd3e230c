using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MyApp.Data;

namespace MyApp.Tests.Data;

public sealed class MigrationsTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public void The_model_has_no_changes_missing_from_the_migrations()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        Assert.False(db.Database.HasPendingModelChanges(),
            "The model changed since the last migration: run `dotnet ef migrations add <Name>` in src/MyApp.");
    }
}
