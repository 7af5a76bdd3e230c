using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// `App check`, the app's `manage.py check --deploy`, run from the published app as `heroku run` would,
/// against real configurations and a real database. The SECRET_KEY, DEBUG and ALLOWED_HOSTS cases follow
/// Django's own (tests/check_framework/test_security.py: CheckSecretKeyTest, CheckDebugTest, CheckAllowedHostsTest).
/// </summary>
public sealed class CheckTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    private const int ErrorsFound = 1;
    private const int InvalidSettings = 78;
    private const int Usage = 64;

    public static TheoryData<string> Scenarios => BuildTests.Scenarios;

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_deployed_app_with_good_settings_passes(string scenario)
    {
        var (app, vars) = await MigratedAsync(scenario);
        // An app with accounts needs an email server to confirm them (Accounts_without_email_cannot_be_confirmed).
        await using var smtp = await SmtpServer.StartAsync(SmtpTls.None);
        if (BuildTests.Of(scenario) == Scenario.Accounts)
        {
            vars["EMAIL_URL"] = $"smtp://127.0.0.1:{smtp.Port}";
        }

        var result = await app.RunOneOffAsync("check", vars);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.DoesNotContain("ERROR", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("(Production).", result.StandardOutput, StringComparison.Ordinal);
        foreach (var subject in new[] { "DEBUG", "ALLOWED_HOSTS", "SECRET_KEY", "HSTS", "HTTPS", "ANTIFORGERY", "X-FRAME-OPTIONS", "DATABASE_POOL_SIZE", "MIGRATIONS" })
        {
            Assert.DoesNotContain($"WARNING {subject} ", result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_freshly_generated_app_checked_in_development_has_nothing_to_fix()
    {
        var app = await apps.BuiltAsync(package, Scenario.NoDatabase);

        // As the README says: with the settings in .env, in Development (launchSettings.json).
        var result = await app.DotnetAsync(["run", "--project", $"src/{app.Name}", "--no-build", "--", "check"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("check: no problems found (Development).", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Debug_on_in_production_is_an_error(string scenario)
    {
        var (app, vars) = await MigratedAsync(scenario);
        vars["DEBUG"] = "true";

        var result = await app.RunOneOffAsync("check", vars);

        Assert.Equal(ErrorsFound, result.ExitCode);
        Assert.Contains("ERROR   DEBUG is on in Production", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Allowed_hosts_star_in_production_is_a_warning_and_an_error_with_accounts(string scenario)
    {
        var (app, vars) = await MigratedAsync(scenario);
        vars["ALLOWED_HOSTS"] = "*";
        await using var smtp = await SmtpServer.StartAsync(SmtpTls.None);
        if (BuildTests.Of(scenario) == Scenario.Accounts)
        {
            vars["EMAIL_URL"] = $"smtp://127.0.0.1:{smtp.Port}";
        }

        var result = await app.RunOneOffAsync("check", vars);

        Assert.Contains("WARNING ALLOWED_HOSTS is *", result.StandardOutput, StringComparison.Ordinal);
        if (BuildTests.Of(scenario) == Scenario.Accounts)
        {
            // Links in account emails and passkeys are made for the request's host.
            Assert.Equal(ErrorsFound, result.ExitCode);
            Assert.Contains("ERROR   ACCOUNTS take any host: ALLOWED_HOSTS is *", result.StandardOutput, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(result.ExitCode == 0, result.Output);
        }
    }

    [Fact]
    public async Task Accounts_without_email_cannot_be_confirmed()
    {
        var (app, vars) = await MigratedAsync("postgres-auth-individual");

        var result = await app.RunOneOffAsync("check", vars);

        Assert.Equal(ErrorsFound, result.ExitCode);
        Assert.Contains("ERROR   ACCOUNTS cannot be confirmed: no email server is set", result.StandardOutput, StringComparison.Ordinal);
    }

    public static TheoryData<string, bool> SecretKeys => new()
    {
        // Django's test_okay_secret_key: 50 characters.
        { "abcdefghijklmnopqrstuvwxabcdefghijklmnopqrstuvwxab", false },
        // Django's test_low_length_secret_key: 49 characters, which the settings accept (32 or more).
        { "abcdefghijklmnopqrstuvwxabcdefghijklmnopqrstuvwxa", true },
        // Like Django's django-insecure- prefix: the shape of the development key that `dotnet new` writes to .env.
        { "0123456789abcdef0123456789abcdef-fedcba9876543210fedcba9876543210", true },
        // What Heroku's secret generator and `openssl rand -base64 48` give.
        { "3f9c2a7e8b1d4c6f0a5e9b2d7c4f1a8e3b6d0c9f2e5a8b1d4c7f0a3e6b9d2c5f", false },
        { "q9Zt+Wm4v2Kx8Lr1Hs7Yd3Nc6Bf0Pj5Ga9Ue2Vk4Ow8Ti1Rx7Mz3Eb6Ql0Cy5Fn2", false },
    };

    [Theory]
    [MemberData(nameof(SecretKeys))]
    public async Task A_short_or_development_secret_key_is_a_warning(string secretKey, bool warned)
    {
        var app = await apps.PublishedAsync(package, Scenario.NoDatabase);

        var result = await app.RunOneOffAsync("check", ConfigVars.Production(secretKey: secretKey));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(warned, result.StandardOutput.Contains("WARNING SECRET_KEY", StringComparison.Ordinal));
    }

    [Theory]
    // Django's test_low_entropy_secret_key ("abcd" * 20) and test_empty_secret_key: the settings refuse both.
    [InlineData("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd")]
    [InlineData("")]
    public async Task Settings_the_app_cannot_start_with_fail_with_the_settings_report(string secretKey)
    {
        var app = await apps.PublishedAsync(package, Scenario.NoDatabase);
        var vars = ConfigVars.Production();
        vars["SECRET_KEY"] = secretKey;

        var result = await app.RunOneOffAsync("check", vars);

        Assert.Equal(InvalidSettings, result.ExitCode);
        Assert.Contains("SECRET_KEY", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task An_unknown_option_is_refused(string scenario)
    {
        var (app, vars) = await MigratedAsync(scenario);

        var result = await app.RunOneOffAsync("check --deploy", vars);

        Assert.Equal(Usage, result.ExitCode);
        Assert.Contains("check: unknown option --deploy", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_is_an_error_that_names_the_cause()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        var port = Ports.Free();

        var result = await app.RunOneOffAsync("check", ConfigVars.Production($"postgres://postgres:postgres@127.0.0.1:{port}/nothing?sslmode=disable"));

        Assert.Equal(ErrorsFound, result.ExitCode);
        Assert.Contains($"ERROR   DATABASE_URL cannot be used: PostgreSQL at 127.0.0.1:{port} cannot be reached (Failed to connect to 127.0.0.1:{port} → Connection refused). "
            + "Check DATABASE_URL, and the database's state with heroku pg:info.", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("postgres:postgres", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pending_migrations_are_an_error()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        var database = await postgres.CreateDatabaseAsync("check_pending");

        var result = await app.RunOneOffAsync("check", ConfigVars.Production(database));

        Assert.Equal(ErrorsFound, result.ExitCode);
        Assert.Matches(@"ERROR   MIGRATIONS not applied yet: \d{14}_Initial\.", result.StandardOutput);
        Assert.Null(await postgres.QueryScalarAsync<string>(database, "SELECT to_regclass('\"__EFMigrationsHistory\"')::text"));
    }

    [Fact]
    public async Task Before_migrate_pending_migrations_are_expected_so_a_release_can_check_then_migrate()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        var vars = ConfigVars.Production(await postgres.CreateDatabaseAsync("check_release"));

        var check = await app.RunOneOffAsync("check --before-migrate", vars);
        var migrate = await app.RunOneOffAsync("migrate", vars);
        var after = await app.RunOneOffAsync("check", vars);

        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Matches(@"migrate applies next: \d{14}_Initial\.", check.StandardOutput);
        Assert.Equal(0, migrate.ExitCode);
        Assert.True(after.ExitCode == 0, after.Output);
    }

    [Fact]
    public async Task Migrations_the_code_does_not_know_are_a_warning()
    {
        var (app, vars) = await MigratedAsync("postgres");
        await postgres.ExecuteAsync(
            """INSERT INTO "__EFMigrationsHistory" (migration_id, product_version) VALUES ('29990101000000_FromANewerRelease', '10.0.0')""",
            TestUrls.ToConnectionString(vars["DATABASE_URL"]).Database);

        var result = await app.RunOneOffAsync("check", vars);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("WARNING MIGRATIONS in the database that this code does not have: 29990101000000_FromANewerRelease.", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    // Two web dynos, a worker and the release phase against an Essential plan's 20 connections: 4 × 5 fits, 4 × 6 does not.
    [InlineData("5", false)]
    [InlineData("6", true)]
    [InlineData("100", true)]
    public async Task A_pool_too_big_for_the_plan_is_a_warning(string poolSize, bool warned)
    {
        var (app, vars) = await MigratedAsync("postgres");
        vars["DATABASE_POOL_SIZE"] = poolSize;

        var result = await app.RunOneOffAsync("check", vars);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(warned, result.StandardOutput.Contains("WARNING DATABASE_POOL_SIZE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_app_without_a_database_has_no_before_migrate_option()
    {
        var app = await apps.PublishedAsync(package, Scenario.NoDatabase);

        var result = await app.RunOneOffAsync("check --before-migrate", ConfigVars.Production());

        Assert.Equal(Usage, result.ExitCode);
    }

    /// <summary>A published app and production config vars, its database (if any) migrated by the release phase.</summary>
    private async Task<(GeneratedApp App, Dictionary<string, string> Vars)> MigratedAsync(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        var vars = await ConfigVars.ProductionAsync(BuildTests.Of(scenario), postgres, "check");
        if (app.Procfile.Processes.ContainsKey("release"))
        {
            (await app.RunProcfileAsync("release", vars)).EnsureSuccess();
        }
        return (app, vars);
    }
}
