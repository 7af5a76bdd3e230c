using System.Net;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// The generated app's own tests and build where they run: on Heroku CI, on a developer's machine with only
/// .env, and in Heroku's build, which must never fail over a warning; and what CI makes of the developer's
/// changes. One fresh clone for the whole class.
/// </summary>
public sealed class HerokuCiTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres, HerokuCiTests.Clone clone)
    : IClassFixture<HerokuCiTests.Clone>
{
    [Fact]
    public async Task Heroku_ci_runs_the_generated_tests_green_with_only_its_database_url()
    {
        var app = await clone.AppAsync(package, apps);
        // Heroku CI's in-dyno database: no TLS, and no sslmode in the URL.
        var database = StripQuery(await postgres.CreateDatabaseAsync("heroku_ci"));

        // The buildpack's test process, as it runs it: Debug, the solution as a positional argument.
        var result = await app.DotnetAsync(["test", Path.GetFileName(app.SolutionPath)], new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = database,
            ["CI"] = "true",
            [PostgresServer.UrlVariable] = null,
        });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0", result.StandardOutput);
        var migrations = Directory.GetFiles(Path.Combine(app.ProjectDirectory, "Data", "Migrations"), "*.Designer.cs").Length;
        Assert.Equal(migrations, await postgres.QueryScalarAsync<long>(database, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
    }

    [Fact]
    public async Task Without_any_database_variable_the_tests_use_the_dotenv_database_with_test_appended_and_drop_it()
    {
        var app = await clone.AppAsync(package, apps);
        var development = await postgres.NewDatabaseUrlAsync("dotenv");
        var name = new Uri(development).AbsolutePath.Trim('/');
        await File.WriteAllTextAsync(Path.Combine(app.Directory, ".env"), $"DATABASE_URL={development}\n");
        try
        {
            var result = await app.DotnetAsync(["test", Path.GetFileName(app.SolutionPath)], WithoutDatabaseVariables);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Matches(@"Passed!\s+-\s+Failed:\s+0", result.StandardOutput);
            var probe = await postgres.CreateDatabaseAsync("probe");
            Assert.Equal(0L, await postgres.QueryScalarAsync<long>(probe, $"SELECT count(*) FROM pg_database WHERE datname IN ('{name}', '{name}_test')"));
        }
        finally
        {
            File.Delete(Path.Combine(app.Directory, ".env"));
        }
    }

    [Fact]
    public async Task With_no_server_to_reach_the_tests_fail_naming_the_url_without_its_password_and_how_to_start_one()
    {
        var app = await clone.AppAsync(package, apps);
        var port = Ports.Free();
        await File.WriteAllTextAsync(Path.Combine(app.Directory, ".env"),
            $"DATABASE_URL=postgres://postgres:s3cret-pa55@127.0.0.1:{port}/shop?sslmode=disable\n");
        try
        {
            var result = await app.DotnetAsync(["test", Path.GetFileName(app.SolutionPath)], WithoutDatabaseVariables);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains($"postgres://postgres:********@127.0.0.1:{port}/shop_test", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("docker compose up -d", result.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret-pa55", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(Path.Combine(app.Directory, ".env"));
        }
    }

    [Fact]
    public async Task Warnings_never_fail_herokus_build_but_fail_the_build_in_ci_and_a_page_added_as_the_readme_says_passes_both()
    {
        var app = await clone.AppAsync(package, apps);
        // Microsoft's page template, as the README runs it.
        const string Command = "dotnet new page ";
        var arguments = File.ReadLines(Path.Combine(app.Directory, "README.md"))
            .Single(line => line.StartsWith(Command, StringComparison.Ordinal))[Command.Length..]
            .Split(' ');
        var name = arguments[Array.IndexOf(arguments, "-n") + 1];
        await package.Hive.InstantiateAsync("page", arguments, app.Directory);
        var page = Path.Combine(app.ProjectDirectory, "Pages", name + ".cshtml");
        var careless = Path.Combine(app.ProjectDirectory, "Careless.cs");
        // A field that could be readonly (IDE0044) and an unused local (CS0219).
        await File.WriteAllTextAsync(careless, $$"""
            namespace {{app.Name}};

            public static class Careless
            {
                private static int s_answer = 42;

                public static int Answer()
                {
                    var unused = 1;
                    return s_answer;
                }
            }
            """);
        try
        {
            var publish = await app.PublishAsync();
            Assert.Matches("warning (CS0219|IDE0044)", publish.StandardOutput);
            await using (var web = await app.ReleaseAndStartWebAsync(ConfigVars.Production(await postgres.CreateDatabaseAsync("new_page"))))
            {
                using var client = web.CreateClient();
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/" + name)).StatusCode);
            }

            var ci = await app.DotnetAsync(["build", Path.GetFileName(app.SolutionPath)], InCi);

            Assert.NotEqual(0, ci.ExitCode);
            Assert.Matches("error CS0219", ci.StandardOutput);
            Assert.Matches("error IDE0044", ci.StandardOutput);
            // Microsoft's template declares its namespace in a block: reported, not refused.
            Assert.Contains($"Pages/{name}.cshtml.cs(4,11): warning IDE0161", ci.StandardOutput, StringComparison.Ordinal);

            File.Delete(careless);
            var clean = await app.DotnetAsync(["build"], InCi);
            Assert.True(clean.ExitCode == 0, clean.ToString());
        }
        finally
        {
            File.Delete(careless);
            File.Delete(page);
            File.Delete(page + ".cs");
        }
    }

    [Fact]
    public async Task Ci_refuses_a_warning_that_an_ordinary_build_compiled_before_it()
    {
        var app = await clone.AppAsync(package, apps);
        // The README's check before a push is the command below.
        Assert.Contains("run `CI=true dotnet build` before you push", await File.ReadAllTextAsync(Path.Combine(app.Directory, "README.md")), StringComparison.Ordinal);
        // In the tests' project: the app's own compiles again whenever CI changes, by chance (CI changes its
        // restore, and so a source the SDK generates); the others compiled again only when a source changed.
        var careless = Path.Combine(app.Directory, "tests", app.Name + ".Tests", "Careless.cs");
        await File.WriteAllTextAsync(careless, $$"""
            namespace {{app.Name}}.Tests;

            public static class Careless
            {
                private static int s_answer = 42;

                public static int Answer() => s_answer;
            }
            """);
        try
        {
            var ordinary = await app.DotnetAsync(["build"], OutsideCi);
            Assert.True(ordinary.ExitCode == 0, ordinary.ToString());
            Assert.Contains("Careless.cs(5,24): warning IDE0044", ordinary.StandardOutput, StringComparison.Ordinal);

            var ci = await app.DotnetAsync(["build"], InCi);

            Assert.NotEqual(0, ci.ExitCode);
            Assert.Contains("Careless.cs(5,24): error IDE0044", ci.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(careless);
        }
    }

    private static readonly Dictionary<string, string?> InCi = new() { ["CI"] = "true" };

    // The tests themselves may run in CI.
    private static readonly Dictionary<string, string?> OutsideCi = new() { ["CI"] = null };

    private static readonly Dictionary<string, string?> WithoutDatabaseVariables = new()
    {
        [PostgresServer.UrlVariable] = null,
        ["DATABASE_URL"] = null,
    };

    private static string StripQuery(string url) => Regex.Replace(url, @"\?.*$", "");

    /// <summary>One clone of the generated default app, shared by this class's tests (which run one at a time).</summary>
    public sealed class Clone
    {
        private Task<GeneratedApp>? _app;

        public Task<GeneratedApp> AppAsync(TemplatePackage package, PreparedApps apps) =>
            _app ??= Task.Run(async () => (await apps.GeneratedAsync(package, Scenario.Postgres)).CleanCopy());
    }
}
