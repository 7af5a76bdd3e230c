using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace HerokuApp._1.Tests.Data;

public sealed class KeyRingTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Keys_stored_by_one_instance_are_read_back_by_another()
    {
        var cookie = database.App.Services.GetDataProtector("tests").Protect("signed in as alice");

        // A second instance on the same database and SECRET_KEY: a second dyno, or this one restarted.
        await using var other = new AppFactory();

        Assert.Equal("signed in as alice", other.Services.GetDataProtector("tests").Unprotect(cookie));
    }
}
