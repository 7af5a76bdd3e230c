using Microsoft.AspNetCore.Builder;

namespace Heroku.AspNetCore.Tests.Checks;

/// <summary><c>App check</c>, run from the app as the release phase or <c>heroku run</c> runs it.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class CheckCommandTests
{
    [Fact]
    public async Task An_unknown_option_is_refused_with_a_usage_that_names_the_databases_option()
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku());
        builder.AddHerokuPostgres<TestDbContext>(TestSettings.Database(TestSettings.NoDatabaseUrl));
        await using var app = builder.Build();
        var check = Commands.Find(app.Services, "check");
        Assert.NotNull(check);

        var (exitCode, error) = await CapturedConsole.RunAsync(() => check.RunAsync(app, ["--befor-migrate"]));

        Assert.Equal(64, exitCode); // EX_USAGE
        Assert.Contains("unknown option --befor-migrate", error);
        Assert.Contains("Usage: check [--before-migrate]", error);
    }
}
