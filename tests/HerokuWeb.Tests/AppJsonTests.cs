using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using HerokuWeb.Tests.Infrastructure;
using Json.Schema;

namespace HerokuWeb.Tests;

/// <summary>
/// app.json, which the Heroku Button, review apps and Heroku CI read: valid against Heroku's schema, and
/// enough on its own to deploy the app.
/// </summary>
public sealed class AppJsonTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    /// <summary>Heroku's schema (Schemas/README.md says where it comes from).</summary>
    private static readonly JsonSchema Schema =
        JsonSchema.FromText(File.ReadAllText(Path.Combine(Repository.Root, "tests", "HerokuWeb.Tests", "Schemas", "app-json.schema.json")));

    public static TheoryData<string> Scenarios => BuildTests.Scenarios;

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task App_json_is_valid_against_herokus_schema(string scenario)
    {
        using var manifest = await ReadAsync(scenario);

        var result = Schema.Evaluate(manifest.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join('\n', (result.Details ?? [])
            .Where(detail => detail.Errors is not null)
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value}"))));
    }

    [Fact]
    public void The_schema_rejects_what_heroku_would_reject()
    {
        using var manifest = JsonDocument.Parse("""{ "formation": { "web": { "size": "basic" } }, "env": { "SECRET_KEY": { "generator": "uuid" } } }""");

        Assert.False(Schema.Evaluate(manifest.RootElement).IsValid);
    }

    [Fact]
    public async Task The_database_app_gets_heroku_postgres_and_heroku_ci_an_in_dyno_database()
    {
        using var manifest = await ReadAsync("postgres");
        var root = manifest.RootElement;

        Assert.Equal(["heroku-postgresql:essential-0"], Strings(root.GetProperty("addons")));
        Assert.Equal(["heroku-postgresql:in-dyno"], Strings(root.GetProperty("environments").GetProperty("test").GetProperty("addons")));
        Assert.Equal(["heroku-postgresql:essential-0"], Strings(root.GetProperty("environments").GetProperty("review").GetProperty("addons")));
    }

    [Fact]
    public async Task The_app_without_a_database_asks_for_no_add_on()
    {
        var app = await apps.PublishedAsync(package, Scenario.NoDatabase);

        var text = await File.ReadAllTextAsync(Path.Combine(app.Directory, "app.json"));

        Assert.DoesNotContain("addons", text, StringComparison.Ordinal);
        Assert.DoesNotContain("postgres", text, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(app.Directory, "app.nodb.json")));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task App_json_builds_with_herokus_dotnet_buildpack_and_runs_one_dyno_of_each_process_but_the_release_phase(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        using var manifest = await ReadAsync(scenario);
        var root = manifest.RootElement;

        Assert.Equal("heroku/dotnet", Assert.Single(root.GetProperty("buildpacks").EnumerateArray()).GetProperty("url").GetString());
        var formation = root.GetProperty("formation").EnumerateObject().ToDictionary(process => process.Name, process => process.Value.GetProperty("quantity").GetInt32());
        // The database app's worker runs its background jobs; without a database there is no worker.
        Assert.Equal(app.Procfile.Processes.Keys.Where(process => process != "release").ToDictionary(process => process, _ => 1), formation);
        Assert.Equal(BuildTests.Of(scenario).UsesDatabase, formation.ContainsKey("worker"));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_heroku_button_deploy_serves_the_app_with_nothing_but_what_app_json_sets(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        var configVars = await ButtonConfigVarsAsync(scenario);
        // A new app's generated host name: its name and a random suffix nobody could have typed beforehand.
        const string Host = "my-button-app-0f1e2d3c4b5a.herokuapp.com";
        if (app.Procfile.Processes.ContainsKey("release"))
        {
            (await app.RunProcfileAsync("release", configVars)).EnsureSuccess();
        }

        await using var web = await app.StartWebAsync(configVars, Host);
        using var client = web.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = Host;

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_heroku_button_deploy_passes_check(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        var configVars = await ButtonConfigVarsAsync(scenario);
        if (app.Procfile.Processes.ContainsKey("release"))
        {
            (await app.RunProcfileAsync("release", configVars)).EnsureSuccess();
        }

        await using var smtp = await SmtpServer.StartAsync(SmtpTls.None);
        if (BuildTests.Of(scenario) == Scenario.Accounts)
        {
            // No email service, no account can be confirmed: check says so, and only that. The Button's form offers
            // EMAIL_URL (or the Mailgun add-on, or SENDGRID_API_KEY); filled in, check passes.
            var withoutEmail = await app.RunOneOffAsync("check", configVars);
            Assert.NotEqual(0, withoutEmail.ExitCode);
            Assert.Equal(["ERROR   ACCOUNTS cannot be confirmed"],
                withoutEmail.StandardOutput.Split('\n').Where(line => line.StartsWith("ERROR", StringComparison.Ordinal)).Select(line => line.Split(':')[0]));
            configVars["EMAIL_URL"] = $"smtp://127.0.0.1:{smtp.Port}";
        }

        var result = await app.RunOneOffAsync("check", configVars);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.DoesNotContain("ERROR", result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// What a Heroku Button deploy sets, and nothing more: each env entry's value, a fresh secret for
    /// `"generator": "secret"`, and DATABASE_URL from the Heroku Postgres add-on. No dyno metadata:
    /// app.json cannot enable that labs feature.
    /// </summary>
    private async Task<Dictionary<string, string>> ButtonConfigVarsAsync(string scenario)
    {
        using var manifest = await ReadAsync(scenario);
        var root = manifest.RootElement;
        var configVars = new Dictionary<string, string>();

        foreach (var variable in root.GetProperty("env").EnumerateObject())
        {
            if (variable.Value.TryGetProperty("generator", out var generator))
            {
                Assert.Equal("secret", generator.GetString());
                configVars[variable.Name] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            }
            else if (variable.Value.TryGetProperty("value", out var value))
            {
                configVars[variable.Name] = value.GetString()!;
            }
            else
            {
                Assert.False(variable.Value.TryGetProperty("required", out var required) && required.GetBoolean(),
                    $"{variable.Name} is required and has no value: the Button would stop and ask for it.");
            }
        }

        var addons = root.TryGetProperty("addons", out var list) ? Strings(list) : [];
        Assert.All(addons, addon => Assert.StartsWith("heroku-postgresql", addon, StringComparison.Ordinal));
        if (addons.Length > 0)
        {
            configVars["DATABASE_URL"] = await postgres.CreateDatabaseAsync("button");
        }
        Assert.Equal(BuildTests.Of(scenario).UsesDatabase, configVars.ContainsKey("DATABASE_URL"));

        return configVars;
    }

    private async Task<JsonDocument> ReadAsync(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        // Strict, as Heroku parses it: no comments, no trailing commas.
        return JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(app.Directory, "app.json")));
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetString()!)];
}
