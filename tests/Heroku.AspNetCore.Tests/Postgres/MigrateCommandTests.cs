using System.Net;
using System.Net.Sockets;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Heroku.AspNetCore.Tests.Postgres;

/// <summary><c>App migrate</c> when no PostgreSQL answers: one line that says where it looked and what to do.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class MigrateCommandTests(PostgresServer postgres)
{
    private const string Password = "unreachable-pa55word";

    // What migrate writes to stderr, run from an app on DATABASE_URL as the release phase or `dotnet run -- migrate` runs it.
    private static async Task<(int ExitCode, string Error)> MigrateAsync(string environment, string databaseUrl)
    {
        var builder = TestApps.CreateBuilder(environment);
        builder.AddHeroku(TestSettings.Heroku());
        builder.AddHerokuPostgres<TestDbContext>(TestSettings.Database(databaseUrl));
        await using var app = builder.Build();
        var migrate = Commands.Find(app.Services, "migrate");
        Assert.NotNull(migrate);
        return await CapturedConsole.RunAsync(() => migrate.RunAsync(app, []));
    }

    [Fact]
    public async Task In_development_a_refused_connection_names_the_host_and_port_and_says_what_to_start()
    {
        var port = Ports.Free();

        var (exitCode, error) = await MigrateAsync("Development", $"postgres://app:{Password}@127.0.0.1:{port}/app?sslmode=disable");

        Assert.Equal(1, exitCode);
        Assert.Equal(
            $"migrate failed: PostgreSQL at 127.0.0.1:{port} cannot be reached (Failed to connect to 127.0.0.1:{port} → Connection refused). "
            + "Is it running? In the app's folder, docker compose up -d starts the one in compose.yaml; "
            + "for a server of your own, see the README's \"Run it\" and point DATABASE_URL in .env at it.\n", error);
    }

    [Fact]
    public async Task In_development_a_host_that_does_not_exist_is_named_with_what_to_start()
    {
        var (exitCode, error) = await MigrateAsync("Development", $"postgres://app:{Password}@no-such-host.invalid:5433/app?sslmode=disable");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("migrate failed: PostgreSQL at no-such-host.invalid:5433 cannot be reached (", error);
        Assert.EndsWith($" {DatabaseUnavailable.WhatToStart}\n", error);
    }

    [Fact]
    public async Task In_development_a_socket_directory_without_a_server_is_named_with_what_to_start()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"no-postgres-{Guid.NewGuid():N}");

        var (exitCode, error) = await MigrateAsync("Development", $"postgres://app:{Password}@{Uri.EscapeDataString(directory)}/app");

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"migrate failed: PostgreSQL at {directory}:5432 cannot be reached (Failed to connect to {directory}/.s.PGSQL.5432", error);
        Assert.EndsWith($" {DatabaseUnavailable.WhatToStart}\n", error);
    }

    [Fact]
    public async Task In_development_a_server_that_never_answers_is_named_with_what_to_start()
    {
        // Takes the connection and says nothing, as a hung server or a dropped packet does.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var (exitCode, error) = await MigrateAsync("Development", $"postgres://app:{Password}@127.0.0.1:{port}/app?sslmode=disable&connect_timeout=1");

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"migrate failed: PostgreSQL at 127.0.0.1:{port} cannot be reached (The operation has timed out", error);
        Assert.EndsWith($" {DatabaseUnavailable.WhatToStart}\n", error);
    }

    [Fact]
    public async Task Outside_development_a_refused_connection_names_the_host_and_port_and_no_local_tools()
    {
        var port = Ports.Free();

        var (exitCode, error) = await MigrateAsync("Production", $"postgres://app:{Password}@127.0.0.1:{port}/app?sslmode=disable");

        Assert.Equal(1, exitCode);
        Assert.Equal(
            $"migrate failed: PostgreSQL at 127.0.0.1:{port} cannot be reached (Failed to connect to 127.0.0.1:{port} → Connection refused). "
            + "Check DATABASE_URL, and the database's state with heroku pg:info.\n", error);
    }

    [Theory]
    [InlineData("Development", "Correct them in .env; the PostgreSQL that docker compose starts takes those in compose.yaml, and the README's \"Run it\" gives one installed without Docker the login .env expects.")]
    [InlineData("Production", "Check DATABASE_URL against heroku pg:credentials:url.")]
    public async Task A_refused_password_names_the_server_and_what_to_correct_and_never_the_password(string environment, string hint)
    {
        var created = await postgres.CreateDatabaseAsync("migrate_login");
        var url = TestUrls.ToConnectionString(created);
        var wrongUrl = new UriBuilder(created) { Password = Password }.Uri.ToString();

        var (exitCode, error) = await MigrateAsync(environment, wrongUrl);

        Assert.Equal(1, exitCode);
        Assert.Equal(
            $"migrate failed: PostgreSQL at {url.Host}:{url.Port} refused the user name or password in DATABASE_URL "
            + $"(password authentication failed for user \"{url.Username}\" (SQLSTATE 28P01)). {hint}\n", error);
    }
}
