using System.Net;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>The generated README's deploy checklist works on stock git, and the home page's deploy card matches it.</summary>
public sealed partial class DeployChecklistTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    [Fact]
    public async Task The_checklists_first_line_makes_a_main_branch_on_stock_git()
    {
        var app = (await apps.GeneratedAsync(package, Scenario.Postgres)).CleanCopy();
        var readme = await File.ReadAllTextAsync(Path.Combine(app.Directory, "README.md"));
        var firstLine = readme.Split('\n').First(line => line.StartsWith("git init", StringComparison.Ordinal));

        // A HOME of its own: no init.defaultBranch from this machine's git configuration.
        using var home = TemporaryDirectory.Create("heroku-web-git-home-");
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = home.Path,
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_AUTHOR_NAME"] = "Dev",
            ["GIT_AUTHOR_EMAIL"] = "dev@example.com",
            ["GIT_COMMITTER_NAME"] = "Dev",
            ["GIT_COMMITTER_EMAIL"] = "dev@example.com",
        };
        (await ProcessRunner.RunAsync("bash", ["-c", firstLine], app.Directory, environment)).EnsureSuccess();
        var branch = await ProcessRunner.RunAsync("git", ["rev-parse", "--abbrev-ref", "HEAD"], app.Directory, environment);

        Assert.Equal("main", branch.StandardOutput.Trim());
        var committed = await ProcessRunner.RunAsync("git", ["ls-files"], app.Directory, environment);
        Assert.DoesNotContain(".env\n", committed.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_readme_says_what_to_do_when_a_release_fails_about_custom_domains_and_that_postgres_costs_money()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine((await apps.GeneratedAsync(package, Scenario.Postgres)).Directory, "README.md"));

        Assert.Contains("heroku releases:output", readme, StringComparison.Ordinal);
        Assert.Contains("heroku domains:add", readme, StringComparison.Ordinal);
        Assert.Contains("ALLOWED_HOSTS=my-app-1234.herokuapp.com,www.example.com", readme, StringComparison.Ordinal);
        Assert.Contains("a paid add-on", readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_command_on_the_home_pages_deploy_card_is_in_the_readme()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        var readme = WebUtility.HtmlDecode(await File.ReadAllTextAsync(Path.Combine(app.Directory, "README.md")));
        await using var web = await app.StartWebAsync(await ConfigVars.ProductionAsync(Scenario.Postgres, postgres, "deploy_card"));
        using var client = web.CreateClient();
        var html = await client.GetStringAsync("/");
        var card = DeployCard().Match(html).Value;

        var commands = Code().Matches(card).Select(match => WebUtility.HtmlDecode(match.Groups[1].Value)).ToList();

        Assert.Contains(commands, command => command.StartsWith("git init -b main", StringComparison.Ordinal));
        Assert.Contains(commands, command => command == "heroku releases:output");
        foreach (var command in commands.Where(command => command.StartsWith("git ", StringComparison.Ordinal) || command.StartsWith("heroku ", StringComparison.Ordinal)))
        {
            // The card abbreviates the host; the README computes it.
            var comparable = command.Split(" ALLOWED_HOSTS=")[0];
            Assert.Contains(comparable, readme, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("""<section class="card" id="deploy">.*?</section>""", RegexOptions.Singleline)]
    private static partial Regex DeployCard();

    [GeneratedRegex("<code>(.*?)</code>", RegexOptions.Singleline)]
    private static partial Regex Code();
}
