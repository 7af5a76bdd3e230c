using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

public sealed class TemplateOptionsTests(TemplatePackage package)
{
    [Fact]
    public async Task An_unknown_database_is_refused_with_the_valid_choices_and_nothing_is_written()
    {
        var output = package.Hive.CreateOutputDirectory();

        var result = await package.Hive.InstantiateAsync(TemplatePackage.ShortName, ["-n", "MyApp", "--database", "mysql"], output, ensureSuccess: false);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("mysql", result.StandardError);
        Assert.Contains("postgres", result.StandardError);
        Assert.Contains("none", result.StandardError);
        Assert.Empty(Directory.EnumerateFileSystemEntries(output));
    }

    [Theory]
    [InlineData("--auth")]
    [InlineData("-au")]
    public async Task Accounts_without_a_database_are_refused_with_what_to_give_and_nothing_is_written(string option)
    {
        var output = package.Hive.CreateOutputDirectory();

        var result = await package.Hive.InstantiateAsync(TemplatePackage.ShortName, ["-n", "MyApp", "--database", "none", option, "Individual"], output, ensureSuccess: false);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("auth-individual-needs-database-postgres", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        // dotnet new makes the -o folder before the engine refuses; no file is written in it.
        Assert.Empty(Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task No_accounts_with_no_database_is_accepted()
    {
        var output = package.Hive.CreateOutputDirectory();

        var result = await package.Hive.InstantiateAsync(TemplatePackage.ShortName, ["-n", "MyApp", "--database", "none", "--auth", "None", "--no-restore"], output, ensureSuccess: false);

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(Path.Combine(output, "MyApp", "MyApp.slnx")));
    }

    [Fact]
    public async Task Creating_an_app_restores_it_unless_told_not_to()
    {
        var restored = await GeneratedApp.CreateAsync(package, "Restored", []);
        var unrestored = await GeneratedApp.CreateAsync(package, "Unrestored", [], restore: false);

        Assert.True(File.Exists(Path.Combine(restored.ProjectDirectory, "obj", "project.assets.json")));
        Assert.False(Directory.Exists(Path.Combine(unrestored.ProjectDirectory, "obj")));
    }
}
