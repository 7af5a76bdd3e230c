using System.Net;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>The published database app against real PostgreSQL, through its Procfile's release and web processes.</summary>
public sealed class DatabaseTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    private const string HistoryTable = "\"__EFMigrationsHistory\"";

    private Task<GeneratedApp> AppAsync() => apps.PublishedAsync(package, Scenario.Postgres);

    [Fact]
    public async Task Migrate_creates_the_schema_in_an_empty_database()
    {
        var app = await AppAsync();
        var database = await postgres.CreateDatabaseAsync("migrate");

        var result = await app.RunProcfileAsync("release", ConfigVars.Production(database));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("migrate: applying", result.StandardOutput);
        Assert.DoesNotContain("fail:", result.Output);
        Assert.Equal(MigrationCount(app), await postgres.QueryScalarAsync<long>(database, $"SELECT count(*) FROM {HistoryTable}"));
        Assert.Equal("guestbook_entries", await postgres.QueryScalarAsync<string>(database, "SELECT to_regclass('guestbook_entries')::text"));
    }

    [Fact]
    public async Task A_new_app_has_one_migration_that_makes_the_whole_model()
    {
        var app = await AppAsync();
        var vars = ConfigVars.Production(await postgres.CreateDatabaseAsync("one_migration"));
        (await app.RunProcfileAsync("release", vars)).EnsureSuccess();

        // check reports a model with changes that no migration covers.
        var check = await app.RunOneOffAsync("check", vars);

        var files = Directory.GetFiles(Path.Combine(app.ProjectDirectory, "Data", "Migrations")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Collection(files,
            file => Assert.Matches(@"^\d{14}_Initial\.Designer\.cs$", file),
            file => Assert.Matches(@"^\d{14}_Initial\.cs$", file),
            file => Assert.Equal("AppDbContextModelSnapshot.cs", file));
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.DoesNotContain("MIGRATIONS", check.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_run_again_changes_nothing()
    {
        var app = await AppAsync();
        var database = await postgres.CreateDatabaseAsync("migrate_twice");
        (await app.RunProcfileAsync("release", ConfigVars.Production(database))).EnsureSuccess();

        var again = await app.RunProcfileAsync("release", ConfigVars.Production(database));

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("the database is up to date", again.StandardOutput);
        Assert.Equal(MigrationCount(app), await postgres.QueryScalarAsync<long>(database, $"SELECT count(*) FROM {HistoryTable}"));
    }

    [Fact]
    public async Task Concurrent_migrate_processes_all_succeed_and_apply_each_migration_once()
    {
        var app = await AppAsync();
        var database = await postgres.CreateDatabaseAsync("migrate_concurrently");
        var vars = ConfigVars.Production(database);

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => app.RunProcfileAsync("release", vars)));

        Assert.All(results, result => Assert.True(result.ExitCode == 0, result.Output));
        Assert.Single(results, result => result.StandardOutput.Contains("migrate: applying", StringComparison.Ordinal));
        Assert.Equal(MigrationCount(app), await postgres.QueryScalarAsync<long>(database, $"SELECT count(*) FROM {HistoryTable}"));
    }

    [Fact]
    public async Task Migrate_against_an_unreachable_database_fails_with_a_clear_message()
    {
        var app = await AppAsync();
        const string password = "unreachable-pa55word";
        var url = $"postgres://app:{password}@127.0.0.1:{Ports.Free()}/app?sslmode=disable";

        var result = await app.RunProcfileAsync("release", ConfigVars.Production(url));

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"migrate failed: PostgreSQL at 127\.0\.0\.1:([0-9]+) cannot be reached \(Failed to connect to 127\.0\.0\.1:\1 → Connection refused\)\. Check DATABASE_URL", result.StandardError);
        Assert.DoesNotContain(password, result.Output);
    }

    [Fact]
    public async Task Migrate_with_a_wrong_password_fails_with_a_clear_message()
    {
        var app = await AppAsync();
        await using var server = await PostgresServer.StartThrowawayAsync();
        var url = await server.CreateDatabaseAsync("credentials");
        var wrong = System.Text.RegularExpressions.Regex.Replace(url, "^postgres://postgres:[^@]+@", "postgres://postgres:wrong-pa55word@");

        var result = await app.RunProcfileAsync("release", ConfigVars.Production(wrong));

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"migrate failed: PostgreSQL at 127\.0\.0\.1:[0-9]+ refused the user name or password in DATABASE_URL "
            + @"\(password authentication failed for user ""postgres"" \(SQLSTATE 28P01\)\)\. Check DATABASE_URL against heroku pg:credentials:url\.",
            result.StandardError);
        Assert.DoesNotContain("wrong-pa55word", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_migration_stops_the_release_and_leaves_the_schema_untouched()
    {
        var app = await AppAsync();
        var database = await postgres.CreateDatabaseAsync("conflict");
        var name = TestUrls.ToConnectionString(database).Database!;
        await postgres.ExecuteAsync("CREATE TABLE guestbook_entries (id integer)", name);

        var result = await app.RunProcfileAsync("release", ConfigVars.Production(database));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("migrate failed: relation \"guestbook_entries\" already exists (SQLSTATE 42P07)", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(0L, await postgres.QueryScalarAsync<long>(database, $"SELECT count(*) FROM {HistoryTable}"));
        Assert.Null(await postgres.QueryScalarAsync<string>(database, "SELECT to_regclass('data_protection_keys')::text"));
    }

    [Fact]
    public async Task The_web_process_never_migrates()
    {
        var app = await AppAsync();
        var database = await postgres.CreateDatabaseAsync("web_only");

        await using (var web = await app.StartWebAsync(ConfigVars.Production(database)))
        {
            using var client = web.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        }

        Assert.Null(await postgres.QueryScalarAsync<string>(database, $"SELECT to_regclass('{HistoryTable}')::text"));
    }

    [Fact]
    public async Task Readiness_is_ok_when_the_database_is_reachable()
    {
        await using var web = await StartMigratedAsync(await postgres.CreateDatabaseAsync("ready"));
        using var client = web.CreateClient();

        var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_fails_with_503_when_the_database_is_stopped_while_liveness_stays_ok()
    {
        await using var server = await PostgresServer.StartThrowawayAsync();
        await using var web = await StartMigratedAsync(await server.CreateDatabaseAsync("stopped"));
        using var client = web.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        await server.StopAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task The_guestbook_form_writes_to_the_database_and_lists_the_entry()
    {
        var database = await postgres.CreateDatabaseAsync("guestbook");
        await using var web = await StartMigratedAsync(database);
        var cookies = new CookieContainer();
        using var client = web.CreateClient(cookies);
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/Guestbook"));
        var name = $"Visitor {Guid.NewGuid():N}";

        var post = await client.PostAsync("/Guestbook", Html.Form(token, ("Input.Name", name), ("Input.Message", "Hello from a dyno")));

        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal("/Guestbook", post.Headers.Location?.ToString());
        Assert.Contains(name, await client.GetStringAsync("/Guestbook"));
        Assert.Equal(1L, await postgres.QueryScalarAsync<long>(database, $"SELECT count(*) FROM guestbook_entries WHERE name = '{name}'"));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        await using var web = await StartMigratedAsync(await postgres.CreateDatabaseAsync("forged"));
        using var client = web.CreateClient(new CookieContainer());

        var post = await client.PostAsync("/Guestbook", Html.Form(token: null, ("Input.Name", "Mallory"), ("Input.Message", "Forged")));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }

    [Fact]
    public async Task The_release_phase_stores_the_one_first_key_encrypted_for_every_dyno()
    {
        var database = await postgres.CreateDatabaseAsync("keys");
        var app = await AppAsync();
        var vars = ConfigVars.Production(database);

        (await app.RunProcfileAsync("release", vars)).EnsureSuccess();

        Assert.Equal(1L, await postgres.QueryScalarAsync<long>(database, "SELECT count(*) FROM data_protection_keys"));
        var xml = await postgres.QueryScalarAsync<string>(database, "SELECT xml FROM data_protection_keys");
        Assert.Contains("<encryptedKey", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);

        await using var first = await app.StartWebAsync(vars);
        await using var second = await app.StartWebAsync(vars);
        using var firstClient = first.CreateClient(new CookieContainer());
        using var secondClient = second.CreateClient(new CookieContainer());
        await firstClient.GetStringAsync("/Guestbook");
        await secondClient.GetStringAsync("/Guestbook");

        Assert.Equal(1L, await postgres.QueryScalarAsync<long>(database, "SELECT count(*) FROM data_protection_keys"));
        // Stopped first, so that everything they logged has arrived.
        Assert.Equal(0, await first.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await second.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("fail:", first.Output + second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_from_one_dyno_is_accepted_by_another_and_after_a_restart()
    {
        var database = await postgres.CreateDatabaseAsync("dynos");
        var vars = ConfigVars.Production(database);
        var app = await AppAsync();

        // One cookie jar for both: a browser sends its cookies to whichever dyno the router picks.
        var cookies = new CookieContainer();
        await using var first = await app.ReleaseAndStartWebAsync(vars);
        await using var second = await app.StartWebAsync(vars);
        using var firstClient = first.CreateClient(cookies);
        using var secondClient = second.CreateClient(cookies);
        var token = Html.AntiforgeryToken(await firstClient.GetStringAsync("/Guestbook"));

        var toSecond = await secondClient.PostAsync("/Guestbook", Html.Form(token, ("Input.Name", "Across dynos"), ("Input.Message", "One key ring")));
        Assert.Equal(HttpStatusCode.Redirect, toSecond.StatusCode);

        await first.StopAsync(TimeSpan.FromSeconds(30));
        await using var restarted = await app.StartWebAsync(vars);
        using var restartedClient = restarted.CreateClient(cookies);

        var afterRestart = await restartedClient.PostAsync("/Guestbook", Html.Form(token, ("Input.Name", "After a restart"), ("Input.Message", "Same keys")));
        Assert.Equal(HttpStatusCode.Redirect, afterRestart.StatusCode);
    }

    [Fact]
    public async Task After_SECRET_KEY_changes_old_forms_get_a_clean_400_and_new_ones_work()
    {
        var database = await postgres.CreateDatabaseAsync("secret_change");
        var app = await AppAsync();
        var before = ConfigVars.Production(database);
        var after = ConfigVars.Production(database, secretKey: ConfigVars.NewSecretKey());
        // One cookie jar throughout: the same visitor's browser, before and after the change.
        var cookies = new CookieContainer();
        string oldToken;
        await using (var oldDyno = await app.ReleaseAndStartWebAsync(before))
        {
            using var oldClient = oldDyno.CreateClient(cookies);
            oldToken = Html.AntiforgeryToken(await oldClient.GetStringAsync("/Guestbook"));
        }

        // `heroku config:set SECRET_KEY=…` makes a new release: its release phase meets keys stored under the old secret.
        var release = await app.RunProcfileAsync("release", after);
        Assert.True(release.ExitCode == 0, release.Output);
        await using var newDyno = await app.StartWebAsync(after);
        using var client = newDyno.CreateClient(cookies);

        var oldPost = await client.PostAsync("/Guestbook", Html.Form(oldToken, ("Input.Name", "Before the change"), ("Input.Message", "Old key")));
        Assert.Equal(HttpStatusCode.BadRequest, oldPost.StatusCode);

        var newToken = Html.AntiforgeryToken(await client.GetStringAsync("/Guestbook"));
        var newPost = await client.PostAsync("/Guestbook", Html.Form(newToken, ("Input.Name", "After the change"), ("Input.Message", "New key")));
        Assert.Equal(HttpStatusCode.Redirect, newPost.StatusCode);
    }

    // Each migration is a class with its .Designer.cs file.
    private static long MigrationCount(GeneratedApp app) =>
        Directory.GetFiles(Path.Combine(app.ProjectDirectory, "Data", "Migrations"), "*.Designer.cs").Length;

    private async Task<AppProcess> StartMigratedAsync(string database) =>
        await (await AppAsync()).ReleaseAndStartWebAsync(ConfigVars.Production(database));
}
