using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Heroku.AspNetCore.Tests.Checks;

/// <summary><c>App check</c>, run from the app as the release phase or <c>heroku run</c> runs it.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class CheckCommandTests(PostgresServer postgres)
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

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task A_database_that_cannot_be_reached_is_named_with_what_to_do_as_migrate_says(string environment)
    {
        var port = Ports.Free();
        var builder = TestApps.CreateBuilder(environment);
        builder.AddHeroku(TestSettings.Heroku());
        builder.AddHerokuPostgres<TestDbContext>(TestSettings.Database($"postgres://app:unreachable-pa55word@127.0.0.1:{port}/app?sslmode=disable"));
        await using var app = builder.Build();
        var check = Commands.Find(app.Services, "check");
        Assert.NotNull(check);

        var (exitCode, output, error) = await CapturedConsole.RunWithOutputAsync(() => check.RunAsync(app, []));

        Assert.NotEqual(0, exitCode);
        Assert.Contains(
            $"PostgreSQL at 127.0.0.1:{port} cannot be reached (Failed to connect to 127.0.0.1:{port} → Connection refused). "
            + (environment == "Development" ? DatabaseUnavailable.WhatToStart : "Check DATABASE_URL, and the database's state with heroku pg:info."),
            output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("unreachable-pa55word", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_password_is_named_with_what_to_correct_as_migrate_says()
    {
        var url = await postgres.CreateDatabaseAsync("check_login");
        var builder = TestApps.CreateBuilder("Development");
        builder.AddHeroku(TestSettings.Heroku());
        builder.AddHerokuPostgres<TestDbContext>(TestSettings.Database(new UriBuilder(url) { Password = "wrong-pa55word" }.Uri.ToString()));
        await using var app = builder.Build();
        var check = Commands.Find(app.Services, "check");
        Assert.NotNull(check);

        var (exitCode, output, error) = await CapturedConsole.RunWithOutputAsync(() => check.RunAsync(app, []));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("refused the user name or password in DATABASE_URL (password authentication failed for user", output + error, StringComparison.Ordinal);
        Assert.Contains("the README's \"Run it\" gives one installed without Docker the login .env expects.", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pa55word", output + error, StringComparison.Ordinal);
    }
}
