using System.Net;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// The generated README's "Run it", followed as written where it leaves Docker's path: PostgreSQL installed
/// from a package, and a teammate's clone of the repository, which has no .env.
/// </summary>
public sealed partial class RunItTests(TemplatePackage package, PreparedApps apps)
{
    private const int InvalidSettingsExitCode = 78;

    /// <summary>Each install as it is left: its superuser, how it treats passwords over TCP, and the README's line for it (none: nothing to do).</summary>
    public static TheoryData<string, string, string, string?> Installs => new()
    {
        // Debian's package: the postgres login, peer on the socket (sudo -u postgres), a password over TCP, and none set.
        { "Debian", "postgres", "scram-sha-256", "sudo -u postgres psql " },
        // Homebrew's formula: the macOS user is the only login. Homebrew trusts TCP too; a password here checks the one set.
        { "Homebrew", "developer", "scram-sha-256", "psql -d postgres " },
        // Postgres.app: a postgres login, trusted.
        { "Postgres.app", "postgres", "trust", null },
    };

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task PostgreSQL_installed_as_the_readme_says_takes_the_login_in_env(string install, string superuser, string hostAuthentication, string? readmeLine)
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        await using var server = await PostgresServer.StartAsInstalledAsync(superuser, hostAuthentication);
        if (readmeLine is not null)
        {
            // sudo makes the postgres OS user, whom Debian's socket lets in as the postgres login: here PGUSER does.
            var command = ShellLine(app, readmeLine).Replace("sudo -u postgres ", "", StringComparison.Ordinal);
            (await server.RunClientAsync(command)).EnsureSuccess();
        }

        // .env's DATABASE_URL as generated, on the port this server has.
        var url = DotEnvValue(app, "DATABASE_URL").Replace("@localhost:5432/", $"@localhost:{server.Port}/", StringComparison.Ordinal);
        var migrate = await app.RunOneOffAsync("migrate", ConfigVars.Production(url));

        Assert.True(migrate.ExitCode == 0, $"{install}: {migrate.Output}");
        Assert.Contains("migrate: creating the database.", migrate.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clone_without_env_is_told_how_to_make_one_and_the_readme_line_makes_it()
    {
        var clone = (await apps.PublishedAsync(package, Scenario.NoDatabase)).CleanCopy(keepPublished: true);
        var development = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" };

        var refused = await clone.RunProcfileAsync("web", development, TimeSpan.FromSeconds(60));

        Assert.Equal(InvalidSettingsExitCode, refused.ExitCode);
        Assert.Contains("SECRET_KEY", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains($"No .env was found in {clone.Directory}", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains(".env.example", refused.StandardError, StringComparison.Ordinal);

        // Run twice: each run makes a secret of its own.
        var make = ShellLine(clone, "sed ");
        (await ProcessRunner.RunAsync("bash", ["-c", make], clone.Directory)).EnsureSuccess();
        var first = DotEnvValue(clone, "SECRET_KEY");
        (await ProcessRunner.RunAsync("bash", ["-c", make], clone.Directory)).EnsureSuccess();
        var secret = DotEnvValue(clone, "SECRET_KEY");
        Assert.Matches("^[A-Za-z0-9+/]{64}$", secret);
        Assert.NotEqual(first, secret);

        await using var web = await clone.StartWebAsync(development);
        using var client = web.CreateClient(forwardedAsHttps: false);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        await web.WaitForOutputAsync("Hosting environment: Development");
    }

    // The one line of the README's shell blocks that starts with the prefix.
    private static string ShellLine(GeneratedApp app, string prefix)
    {
        var readme = File.ReadAllText(Path.Combine(app.Directory, "README.md"));
        var lines = ShellBlock().Matches(readme)
            .SelectMany(block => block.Groups["body"].Value.Split('\n'))
            .Select(line => line.Trim())
            .Where(line => line.StartsWith(prefix, StringComparison.Ordinal))
            .ToList();
        return Assert.Single(lines);
    }

    private static string DotEnvValue(GeneratedApp app, string name) =>
        File.ReadAllLines(Path.Combine(app.Directory, ".env"))
            .Single(line => line.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    [GeneratedRegex(@"```sh\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
