using MyApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MyApp.Tests.Accounts;

public sealed class AccountTablesTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public void Every_index_has_a_snake_case_name()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var names = db.Model.GetEntityTypes().SelectMany(entity => entity.GetIndexes()).Select(index => index.GetDatabaseName());

        Assert.All(names, name => Assert.Matches("^ix_[a-z0-9_]+$", name));
    }
}
