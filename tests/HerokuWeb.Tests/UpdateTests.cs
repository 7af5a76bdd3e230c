using System.Security.Cryptography;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// `dotnet new heroku-platform --database postgres --force`, run in an app made months ago, brings its
/// platform project to the package's version and touches nothing else (the generated README's "Updating the platform").
/// </summary>
public sealed class UpdateTests(TemplatePackage package, PostgresServer postgres)
{
    private const string Platform = "src/Heroku.AspNetCore";

    public static TheoryData<string> Variants => ["--database postgres", "--database none", "--database postgres --auth Individual"];

    [Fact]
    public async Task The_update_restores_the_platform_leaves_the_users_files_byte_identical_and_the_app_passes_its_tests()
    {
        var app = await GeneratedApp.CreateAsync(package, "Updated", []);
        var fresh = await GeneratedApp.CreateAsync(package, "Fresh", [], restore: false);
        // The platform edited, a file of it deleted; the user's pages and settings edited.
        await File.AppendAllTextAsync(Path.Combine(app.Directory, Platform, "Hosting", "HerokuExtensions.cs"), "\nthis does not compile\n");
        File.Delete(Path.Combine(app.Directory, Platform, "Settings", "DotEnvFile.cs"));
        await File.AppendAllTextAsync(Path.Combine(app.ProjectDirectory, "Pages", "Index.cshtml"), "\n<p>Edited by the user.</p>\n");
        await File.AppendAllTextAsync(Path.Combine(app.ProjectDirectory, "AppSettings.cs"), "\n// Edited by the user.\n");
        var usersFiles = Hashes(app.Directory, file => !file.StartsWith(Platform + "/", StringComparison.Ordinal));

        var result = await package.Hive.InstantiateAsync("heroku-platform", ["--database", "postgres", "--force"], app.Directory);

        Assert.Contains("git diff src/Heroku.AspNetCore", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(
            Hashes(Path.Combine(fresh.Directory, Platform), _ => true),
            Hashes(Path.Combine(app.Directory, Platform), _ => true));
        Assert.Equal(usersFiles, Hashes(app.Directory, file => !file.StartsWith(Platform + "/", StringComparison.Ordinal)));

        await app.BuildAsync();
        var tests = await app.TestAsync(new Dictionary<string, string?> { ["TEST_DATABASE_URL"] = await postgres.CreateDatabaseAsync("updated") });
        Assert.True(tests.ExitCode == 0, tests.ToString());
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task The_update_writes_the_same_platform_as_a_new_app_with_the_same_options(string variant)
    {
        var options = variant.Split(' ');
        var fresh = await GeneratedApp.CreateAsync(package, "Fresh", options, restore: false);
        var target = package.Hive.CreateOutputDirectory();

        await package.Hive.InstantiateAsync("heroku-platform", options, target);

        Assert.Equal(Hashes(Path.Combine(fresh.Directory, Platform), _ => true), Hashes(Path.Combine(target, Platform), _ => true));
        // Nothing of the template's own configuration (host files, icon, localize/) is written.
        Assert.Equal(["src"], Directory.GetFileSystemEntries(target).Select(Path.GetFileName));
    }

    // Every file under root (bin/ and obj/ aside) by relative path, with a hash of its bytes.
    private static SortedDictionary<string, string> Hashes(string root, Func<string, bool> include) =>
        new(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(file => (File: file, Relative: Path.GetRelativePath(root, file).Replace('\\', '/')))
            .Where(entry => !entry.Relative.Split('/').Any(part => part is "bin" or "obj") && include(entry.Relative))
            .ToDictionary(entry => entry.Relative, entry => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry.File)))),
            StringComparer.Ordinal);

    [Fact]
    public async Task The_update_refuses_to_guess_the_database_option()
    {
        var target = package.Hive.CreateOutputDirectory();

        var result = await package.Hive.InstantiateAsync("heroku-platform", ["--force"], target, ensureSuccess: false);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--database", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }
}
