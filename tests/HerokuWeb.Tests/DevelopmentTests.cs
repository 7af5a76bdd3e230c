using System.Net;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>Right after `dotnet new`, `dotnet run` works: the generated .env supplies a development secret.</summary>
public sealed class DevelopmentTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    public static TheoryData<string> Scenarios => BuildTests.Scenarios;

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Dotnet_run_starts_in_development_with_no_further_setup(string scenario)
    {
        var app = await apps.BuiltAsync(package, BuildTests.Of(scenario));

        await using var run = await app.StartDevelopmentAsync();
        using var client = run.CreateClient(forwardedAsHttps: false);
        var page = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await run.WaitForOutputAsync("Hosting environment: Development");
    }

    [Fact]
    public async Task In_development_the_bundle_is_readable_and_names_each_source()
    {
        var app = await apps.BuiltAsync(package, Scenario.NoDatabase);
        await using var run = await app.StartDevelopmentAsync();
        using var client = run.CreateClient(forwardedAsHttps: false);
        var html = await client.GetStringAsync("/");
        var stylesheet = System.Text.RegularExpressions.Regex.Match(html, "href=\"(/bundles/site\\.[a-z0-9]+\\.css)\"").Groups[1].Value;
        Assert.StartsWith("/bundles/site.", stylesheet, StringComparison.Ordinal);

        var css = await client.GetStringAsync(stylesheet);

        Assert.Contains("/* Assets/css/base.css */", css, StringComparison.Ordinal);
        Assert.Contains("/* Assets/css/components.css */", css, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heroku_local_runs_the_published_web_and_worker_processes_with_the_settings_in_dotenv_and_the_worker_logs_the_contact_forms_email()
    {
        // A tree of its own: the README's publish restores for this machine's runtime, which the shared
        // Debug build must not see. The app without a database runs `heroku local web` after the same
        // publish (its README, in the snapshots); this app runs every process.
        var app = await GeneratedApp.CreateAsync(package, "LocalJobsApp", []);
        // As the README says for a PostgreSQL of one's own: DATABASE_URL in .env points at it.
        var env = Path.Combine(app.Directory, ".env");
        var database = await postgres.NewDatabaseUrlAsync("local_jobs");
        await File.WriteAllTextAsync(env, Regex.Replace(await File.ReadAllTextAsync(env), "^DATABASE_URL=.*$", $"DATABASE_URL={database}", RegexOptions.Multiline));
        const string Publish = "dotnet publish --use-current-runtime -p:PublishDir=bin/publish";
        Assert.Contains($"{Publish}\nheroku local\n", await File.ReadAllTextAsync(Path.Combine(app.Directory, "README.md")), StringComparison.Ordinal);
        (await app.DotnetAsync(Publish.Split(' ')[1..])).EnsureSuccess();
        (await app.RunHerokuLocalAsync("heroku local release")).EnsureSuccess();

        await using var local = await app.StartHerokuLocalAsync("heroku local");
        using var client = local.CreateClient(new CookieContainer(), forwardedAsHttps: false);
        var html = await client.GetStringAsync("/");
        var stylesheet = Regex.Match(html, "href=\"(/bundles/site\\.[a-z0-9]+\\.css)\"").Groups[1].Value;
        Assert.StartsWith("/bundles/site.", stylesheet, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(stylesheet)).StatusCode);
        await local.WaitForOutputAsync("Loaded ENV .env File");
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/Contact"));
        var post = await client.PostAsync("/Contact", Html.Form(token, ("Input.Name", "Ada"), ("Input.Message", "Hello from heroku local")));

        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        await local.WaitForOutputAsync("worker.1 |  info: Heroku.AspNetCore.EmailSender[0] Email written here, not sent (no EMAIL_URL in Development): "
            + "from webmaster@localhost to owner@example.com, subject \"Contact: Ada\"", TimeSpan.FromMinutes(2));
        // heroku local pads the names of the processes to one width: "web.1    |".
        Assert.Matches(@"web\.1 +\|  info: Microsoft\.Hosting\.Lifetime\[0\] Hosting environment: Development", local.Output);
    }
}
