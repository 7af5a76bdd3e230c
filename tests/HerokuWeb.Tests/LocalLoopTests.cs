using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>Where the app listens: a port of its own locally, `--urls` when asked, `PORT` whenever it is set.</summary>
public sealed class LocalLoopTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    [Fact]
    public async Task Dotnet_run_without_PORT_listens_on_the_port_generated_into_launch_settings()
    {
        var app = await apps.BuiltAsync(package, Scenario.NoDatabase);
        var launchSettings = await File.ReadAllTextAsync(Path.Combine(app.ProjectDirectory, "Properties", "launchSettings.json"));
        var port = int.Parse(Regex.Match(launchSettings, "\"applicationUrl\": \"http://localhost:([0-9]+)\"").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(port, 5010, 5300);
        Assert.DoesNotContain("PORT=", await File.ReadAllTextAsync(Path.Combine(app.Directory, ".env")), StringComparison.Ordinal);

        await using var run = await app.StartDevelopmentAsync(port: port);
        using var client = run.CreateClient(forwardedAsHttps: false);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Dotnet_run_honours_urls_when_PORT_is_unset()
    {
        var app = await apps.BuiltAsync(package, Scenario.NoDatabase);
        var port = Ports.Free();

        await using var run = await app.StartDevelopmentAsync(arguments: $"--urls http://localhost:{port}", port: port);
        using var client = run.CreateClient(forwardedAsHttps: false);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task In_production_PORT_wins_over_ASPNETCORE_URLS()
    {
        var app = await apps.PublishedAsync(package, Scenario.NoDatabase);
        var other = Ports.Free();
        var vars = ConfigVars.Production();
        vars["ASPNETCORE_URLS"] = $"http://localhost:{other}";

        // Waits until the app answers on PORT.
        await using var web = await app.StartWebAsync(vars);

        using var client = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://localhost:{other}/healthz"));
    }

    [Fact]
    public async Task A_busy_PORT_stops_the_app_with_one_line_that_names_it()
    {
        var app = await apps.PublishedAsync(package, Scenario.NoDatabase);
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var vars = ConfigVars.Production();
        vars["PORT"] = port.ToString(CultureInfo.InvariantCulture);

        var result = await app.RunProcfileAsync("web", vars, TimeSpan.FromSeconds(60));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"PORT {port} is already in use", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_address_from_urls_stops_dotnet_run_with_one_line_that_names_it()
    {
        var app = await apps.BuiltAsync(package, Scenario.NoDatabase);
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var url = $"http://localhost:{((IPEndPoint)holder.LocalEndpoint).Port}";

        var result = await app.DotnetAsync(["run", "--project", $"src/{app.Name}", "--no-build", "--urls", url]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{url} is already in use", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_example_copied_to_env_runs_the_app_in_development_as_heroku_local_does()
    {
        var app = await apps.PublishedAsync(package, Scenario.NoDatabase);
        // What `heroku local` puts in the environment from a .env copied from .env.example, with the secret filled in.
        var vars = File.ReadAllLines(Path.Combine(app.Directory, ".env.example"))
            .Where(line => line.Contains('=') && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .Where(pair => pair[1].Length > 0)
            .ToDictionary(pair => pair[0], pair => pair[1]);
        vars["SECRET_KEY"] = ConfigVars.NewSecretKey();

        await using var web = await app.StartWebAsync(vars);
        using var client = web.CreateClient(forwardedAsHttps: false);

        // Production would redirect plain HTTP to https://localhost/.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        await web.WaitForOutputAsync("Hosting environment: Development");
    }

    [Fact]
    public async Task Migrate_creates_a_missing_database_then_migrates_it()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        var database = await postgres.NewDatabaseUrlAsync("created");

        var result = await app.RunProcfileAsync("release", ConfigVars.Production(database));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("migrate: creating the database.", result.StandardOutput, StringComparison.Ordinal);
        var migrations = Directory.GetFiles(Path.Combine(app.ProjectDirectory, "Data", "Migrations"), "*.Designer.cs").Length;
        Assert.Equal(migrations, await postgres.QueryScalarAsync<long>(database, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
    }
}
