using System.Net;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>Right after `dotnet new`, `dotnet run` works: the generated .env supplies a development secret.</summary>
public sealed class DevelopmentTests(TemplatePackage package, PreparedApps apps)
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
        Assert.Contains("Hosting environment: Development", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_development_the_bundle_is_readable_and_names_each_source()
    {
        var app = await apps.BuiltAsync(package, Scenario.NoDatabase);
        await using var run = await app.StartDevelopmentAsync();
        using var client = run.CreateClient(forwardedAsHttps: false);
        var html = await client.GetStringAsync("/");
        var stylesheet = System.Text.RegularExpressions.Regex.Match(html, "href=\"(/bundles/site\\.[a-z0-9]+\\.css)\"").Groups[1].Value;

        var css = await client.GetStringAsync(stylesheet);

        Assert.Contains("/* wwwroot/css/base.css */", css, StringComparison.Ordinal);
        Assert.Contains("/* wwwroot/css/components.css */", css, StringComparison.Ordinal);
    }
}
