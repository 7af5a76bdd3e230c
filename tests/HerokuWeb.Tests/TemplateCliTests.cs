using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>`dotnet new heroku-web` follows the conventions of the SDK's own templates.</summary>
public sealed class TemplateCliTests(TemplatePackage package)
{
    [Fact]
    public async Task Framework_option_is_accepted_and_next_steps_are_printed_with_the_apps_name()
    {
        var result = await package.Hive.InstantiateAsync(TemplatePackage.ShortName, ["-n", "Shop", "-f", "net10.0", "--no-restore"]);

        Assert.Contains("<TargetFramework>net10.0</TargetFramework>", await File.ReadAllTextAsync(Path.Combine(result.WorkingDirectory, "Shop", "src", "Shop", "Shop.csproj")));
        Assert.Contains("docker compose up -d", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("dotnet tool restore", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project \"src/Shop\" -- migrate", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_shows_the_framework_option_and_examples()
    {
        var help = await package.Hive.RunDotnetNewAsync([TemplatePackage.ShortName, "--help"]);

        Assert.Contains("-f, --framework <net10.0>", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("dotnet new heroku-web -n MyShop --database none", help.StandardOutput.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_framework_is_refused()
    {
        var result = await package.Hive.InstantiateAsync(TemplatePackage.ShortName, ["-n", "Old", "-f", "net8.0", "--no-restore"], ensureSuccess: false);

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public async Task The_update_templates_help_shows_its_database_option_and_how_to_run_it()
    {
        var help = await package.Hive.RunDotnetNewAsync(["heroku-platform", "--help"]);

        Assert.Contains("-db, --database <choice>", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("dotnet new heroku-platform --database postgres --force",
            help.StandardOutput.ReplaceLineEndings(" ").Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_update_template_refuses_a_database_the_app_template_does_not_know()
    {
        var target = package.Hive.CreateOutputDirectory();

        var result = await package.Hive.InstantiateAsync("heroku-platform", ["--database", "mysql"], target, ensureSuccess: false);

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(target, "src")), "A refused update must write nothing.");
    }
}
