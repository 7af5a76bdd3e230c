using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>The options of <c>dotnet new heroku-platform</c>, which must agree with heroku-web's.</summary>
public sealed class PlatformOptionsTests(TemplatePackage package)
{
    [Fact]
    public async Task Accounts_without_a_database_are_refused_with_what_to_give_and_nothing_is_written()
    {
        var output = package.Hive.CreateOutputDirectory();

        var result = await package.Hive.InstantiateAsync("heroku-platform", ["--database", "none", "--auth", "Individual"], output, ensureSuccess: false);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("auth-individual-needs-database-postgres", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories));
    }
}
