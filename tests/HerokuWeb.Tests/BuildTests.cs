using HerokuWeb.Tests.Infrastructure;
using TemplateVerifier;

namespace HerokuWeb.Tests;

public sealed class BuildTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    public static TheoryData<string> Scenarios => ["postgres", "none", "postgres-auth-individual"];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_generated_solution_builds_with_warnings_as_errors(string scenario) =>
        Assert.True(File.Exists(Path.Combine((await apps.BuiltAsync(package, Of(scenario))).ProjectDirectory, "bin", "Debug", "net10.0", Of(scenario).AppName + ".dll")));

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_generated_apps_own_tests_pass_against_a_real_database(string scenario)
    {
        var app = await apps.BuiltAsync(package, Of(scenario));
        var environment = new Dictionary<string, string?>();
        if (Of(scenario).UsesDatabase)
        {
            environment["TEST_DATABASE_URL"] = await postgres.CreateDatabaseAsync("apptests");
        }

        var result = await app.TestAsync(environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0", result.StandardOutput);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("postgres-auth-individual")]
    public async Task The_dotnet_ef_tool_in_the_manifest_works_on_the_generated_app(string scenario)
    {
        var app = await apps.BuiltAsync(package, Of(scenario));
        (await DotnetCli.RunAsync(["tool", "restore"], app.Directory)).EnsureSuccess();

        var result = await DotnetCli.RunAsync(["ef", "migrations", "has-pending-model-changes", "--project", $"src/{app.Name}", "--no-build"], app.Directory);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("No changes have been made to the model since the last migration.", result.StandardOutput, StringComparison.Ordinal);
    }

    internal static Scenario Of(string name) => name switch
    {
        "none" => Scenario.NoDatabase,
        "postgres-auth-individual" => Scenario.Accounts,
        _ => Scenario.Postgres,
    };
}
