using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// The published app with missing or malformed config vars: it must refuse to start, name every bad
/// variable in one report, and never print a secret.
/// </summary>
public sealed class SettingsReportTests(TemplatePackage package, PreparedApps apps)
{
    private const int InvalidSettingsExitCode = 78;
    private const string DatabasePassword = "db-pa55word-never-printed";
    private static readonly string ValidDatabaseUrl = $"postgres://app:{DatabasePassword}@db.example.com:5432/app";

    public static TheoryData<string> RequiredVariables => ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"];

    public static TheoryData<string, string> MalformedValues => new()
    {
        { "DEBUG", "maybe" },
        { "PORT", "http" },
        { "PORT", "99999" },
        { "ALLOWED_HOSTS", "https://my-app.herokuapp.com" },
        { "SECRET_KEY", "too-short" },
        { "DATABASE_URL", $"mysql://app:{DatabasePassword}@db.example.com/app" },
        { "DATABASE_URL", $"postgres://app:{DatabasePassword}@/app" },
        { "DATABASE_URL", $"postgres://app:{DatabasePassword}@db.example.com/app?sslmode=sometimes" },
        { "DATABASE_URL", $"postgres://app:{DatabasePassword}@db example.com/app" },
        { "DATABASE_POOL_SIZE", "lots" },
        { "OTEL_EXPORTER_OTLP_ENDPOINT", "otlp.example.com:4318" },
        { "OTEL_EXPORTER_OTLP_HEADERS", $"x-api-key={DatabasePassword}%0AX-Forged: 1" },
    };

    [Theory]
    [MemberData(nameof(RequiredVariables))]
    public async Task A_missing_required_variable_stops_the_app_and_is_named(string variable)
    {
        var vars = ValidVars();
        vars.Remove(variable);

        var result = await RunWebAsync(vars);

        Assert.Equal(InvalidSettingsExitCode, result.ExitCode);
        Assert.Matches($@"(?m)^\s+{variable}\s+is not set\.", result.StandardError);
    }

    [Theory]
    [MemberData(nameof(MalformedValues))]
    public async Task A_malformed_value_stops_the_app_and_is_named(string variable, string value)
    {
        var vars = ValidVars();
        vars[variable] = value;

        var result = await RunWebAsync(vars);

        Assert.Equal(InvalidSettingsExitCode, result.ExitCode);
        Assert.Matches($@"(?m)^\s+{variable}\s+\S", result.StandardError);
        Assert.DoesNotContain(DatabasePassword, result.Output);
        if (variable == "SECRET_KEY")
        {
            Assert.DoesNotContain(value, result.Output);
        }
    }

    [Fact]
    public async Task Outside_development_the_report_says_that_dotenv_was_not_read()
    {
        // The build's own executable, started by hand: Production unless told otherwise, so .env is not read.
        var app = await apps.BuiltAsync(package, Scenario.NoDatabase);

        var result = await ProcessRunner.RunAsync("dotnet", [$"src/{app.Name}/bin/Debug/net10.0/{app.Name}.dll"], app.Directory,
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        Assert.Equal(InvalidSettingsExitCode, result.ExitCode);
        Assert.Contains(".env was not read: it is for Development only, and this is Production.", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_bad_variables_are_reported_together_in_one_report_without_secrets()
    {
        var secret = "weak-secret";
        var vars = new Dictionary<string, string>
        {
            ["SECRET_KEY"] = secret,
            ["DEBUG"] = "maybe",
            ["PORT"] = "eighty",
            ["DATABASE_URL"] = $"mysql://app:{DatabasePassword}@db.example.com/app",
        };

        var result = await RunWebAsync(vars);

        Assert.Equal(InvalidSettingsExitCode, result.ExitCode);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.StandardError, "The app cannot start"));
        foreach (var variable in new[] { "SECRET_KEY", "DEBUG", "PORT", "ALLOWED_HOSTS", "DATABASE_URL" })
        {
            Assert.Matches($@"(?m)^\s+{variable}\s+\S", result.StandardError);
        }
        Assert.DoesNotContain(secret, result.Output);
        Assert.DoesNotContain(DatabasePassword, result.Output);
    }

    [Fact]
    public async Task Without_ALLOWED_HOSTS_the_app_answers_the_host_in_herokus_dyno_metadata_and_no_other()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        var vars = ValidVars();
        vars.Remove("ALLOWED_HOSTS");
        // `heroku labs:enable runtime-dyno-metadata` sets the app's herokuapp.com host; localhost stands in for it here.
        vars["HEROKU_APP_DEFAULT_DOMAIN_NAME"] = "localhost";

        await using var web = await app.StartWebAsync(vars);
        using var client = web.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Host = ConfigVars.PublicHost;

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Without_ALLOWED_HOSTS_or_dyno_metadata_the_report_says_to_enable_it()
    {
        var vars = ValidVars();
        vars.Remove("ALLOWED_HOSTS");

        var result = await RunWebAsync(vars);

        Assert.Equal(InvalidSettingsExitCode, result.ExitCode);
        Assert.Contains("heroku labs:enable runtime-dyno-metadata", result.StandardError);
    }

    [Fact]
    public async Task The_release_phase_refuses_bad_settings_too_so_the_release_is_not_deployed()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        var vars = ValidVars();
        vars.Remove("SECRET_KEY");

        var result = await app.RunProcfileAsync("release", vars);

        Assert.Equal(InvalidSettingsExitCode, result.ExitCode);
        Assert.Contains("SECRET_KEY", result.StandardError);
    }

    private static Dictionary<string, string> ValidVars()
    {
        var vars = ConfigVars.Production(ValidDatabaseUrl);
        vars["PORT"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return vars;
    }

    // The app validates its settings before it listens: with a bad one it exits at once.
    private async Task<ProcessResult> RunWebAsync(Dictionary<string, string> vars)
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        return await app.RunProcfileAsync("web", vars, TimeSpan.FromSeconds(60));
    }
}
