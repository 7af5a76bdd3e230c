using System.Net;
using System.Text.Json;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>The app published with the buildpack's command and run from its Procfile, as on a dyno.</summary>
public sealed class DeployTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    public static TheoryData<string> Scenarios => BuildTests.Scenarios;

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_procfile_runs_the_published_executable(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));

        Assert.Equal($"cd src/{app.Name}/bin/publish && exec ./{app.Name}", app.Procfile["web"]);
        Assert.True(File.Exists(Path.Combine(app.PublishDirectory, app.Name)), "The framework-dependent executable is missing.");
        Assert.False(File.Exists(Path.Combine(app.PublishDirectory, "System.Private.CoreLib.dll")), "The app must not be self-contained.");
    }

    [Fact]
    public async Task The_database_app_migrates_in_the_release_phase()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);

        Assert.Equal($"cd src/{app.Name}/bin/publish && exec ./{app.Name} migrate", app.Procfile["release"]);
    }

    [Fact]
    public async Task The_app_without_a_database_has_no_release_phase_and_no_database_code()
    {
        var app = await apps.PublishedAsync(package, Scenario.NoDatabase);

        Assert.Equal(["web"], app.Procfile.Processes.Keys);
        Assert.False(File.Exists(Path.Combine(app.PublishDirectory, "Npgsql.dll")));
        Assert.False(File.Exists(Path.Combine(app.PublishDirectory, "Microsoft.EntityFrameworkCore.dll")));
        Assert.DoesNotContain("DATABASE_URL", await File.ReadAllTextAsync(Path.Combine(app.Directory, ".env.example")));
        Assert.False(Directory.Exists(Path.Combine(app.Directory, ".config")));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_web_process_serves_the_home_page_and_liveness_check(string scenario)
    {
        await using var web = await StartAsync(scenario);
        using var client = web.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Plain_http_through_the_router_is_redirected_to_https(string scenario)
    {
        await using var web = await StartAsync(scenario);
        using var client = web.CreateClient(forwardedAsHttps: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/guestbook?page=2");
        request.Headers.Host = ConfigVars.PublicHost;
        request.Headers.Add("X-Forwarded-Proto", "http");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal($"https://{ConfigVars.PublicHost}/guestbook?page=2", response.Headers.Location?.ToString());
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Https_responses_carry_hsts(string scenario)
    {
        await using var web = await StartAsync(scenario);
        using var client = web.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = ConfigVars.PublicHost;

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Forwarded_headers_are_trusted_from_a_router_that_is_not_on_loopback(string scenario)
    {
        // ASP.NET Core trusts only loopback proxies unless told otherwise; Heroku's router never is one.
        var address = NonLoopbackAddress();
        await using var web = await StartAsync(scenario);
        using var client = web.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{address}:{web.Port}/");
        request.Headers.Host = ConfigVars.PublicHost;

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("Strict-Transport-Security"), "The forwarded scheme was not believed.");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Hosts_outside_ALLOWED_HOSTS_are_refused(string scenario)
    {
        await using var web = await StartAsync(scenario);
        using var client = web.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "evil.example";

        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Sigterm_stops_the_web_process_cleanly_with_exit_code_0(string scenario)
    {
        await using var web = await StartAsync(scenario);

        var exitCode = await web.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        Assert.Contains("Application is shutting down", web.Output);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Logs_go_to_stdout_one_line_per_entry(string scenario)
    {
        await using var web = await StartAsync(scenario);
        await web.StopAsync(TimeSpan.FromSeconds(30));

        // The console logger's default puts the message on a line of its own, below the category.
        var lines = web.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, line => line.StartsWith("info: Microsoft.Hosting.Lifetime[0] Application started.", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task In_production_the_dotenv_file_is_ignored_so_missing_settings_stop_the_app(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        Assert.True(File.Exists(Path.Combine(app.Directory, ".env")), "The generated app should come with a development .env.");

        var result = await app.RunProcfileAsync(
            "web", new Dictionary<string, string> { ["PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture) }, TimeSpan.FromSeconds(60));

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("SECRET_KEY", result.StandardError);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_published_app_runs_the_server_gc_that_adapts_its_heaps_to_the_load_not_the_host(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        using var runtimeConfig = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(app.PublishDirectory, app.Name + ".runtimeconfig.json")));

        var gc = runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(gc.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(1, gc.GetProperty("System.GC.DynamicAdaptationMode").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_app_and_its_packages_are_published_precompiled_so_a_dyno_starts_with_less_jit_work(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        string[] packages = BuildTests.Of(scenario).UsesDatabase
            ? ["Microsoft.EntityFrameworkCore.dll", "Npgsql.dll", "NetEscapades.AspNetCore.SecurityHeaders.dll"]
            : ["NetEscapades.AspNetCore.SecurityHeaders.dll"];

        foreach (var assembly in (string[])[app.Name + ".dll", .. packages])
        {
            using var reader = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(Path.Combine(app.PublishDirectory, assembly)));
            Assert.True(reader.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0, $"{assembly} is not ReadyToRun code.");
        }
    }

    [Fact]
    public async Task Global_json_pins_the_net_10_sdk_with_a_roll_forward_the_buildpack_honours()
    {
        var app = await apps.GeneratedAsync(package, Scenario.Postgres);
        using var globalJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(app.Directory, "global.json")));
        var sdk = globalJson.RootElement.GetProperty("sdk");

        Assert.Matches(@"^10\.0\.\d{3}$", sdk.GetProperty("version").GetString());
        Assert.Equal("latestFeature", sdk.GetProperty("rollForward").GetString());
    }

    private static IPAddress NonLoopbackAddress() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .FirstOrDefault(address => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
        ?? throw new InvalidOperationException("This test needs a network interface with a non-loopback IPv4 address.");

    private async Task<AppProcess> StartAsync(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        return await app.ReleaseAndStartWebAsync(await ConfigVars.ProductionAsync(BuildTests.Of(scenario), postgres, "deploy"));
    }
}
