using System.IO.Compression;
using System.Xml.Linq;
using HerokuWeb.Tests.Infrastructure;
using TemplateVerifier;

namespace HerokuWeb.Tests;

public sealed class PackageTests(TemplatePackage package)
{
    private const string Content = "content/templates/heroku-web/";
    private const string PlatformContent = "content/templates/heroku-platform/";

    [Fact]
    public void The_package_carries_the_template_with_its_dotfiles()
    {
        var entries = Entries();

        Assert.Contains(Content + ".template.config/template.json", entries);
        Assert.Contains(Content + ".gitignore", entries);
        Assert.Contains(Content + ".editorconfig", entries);
        Assert.Contains(Content + ".env.example", entries);
        Assert.Contains(Content + ".config/dotnet-tools.json", entries);
        Assert.Contains("README.md", entries);
    }

    [Fact]
    public void The_update_template_carries_the_same_platform_files_as_the_app_template()
    {
        var entries = Entries();
        var inApp = entries.Where(entry => entry.StartsWith(Content + "src/Heroku.AspNetCore/", StringComparison.Ordinal))
            .Select(entry => entry[(Content + "src/Heroku.AspNetCore/").Length..]);
        // Written where the app has it, so the update runs in the app's folder.
        var inUpdate = entries.Where(entry => entry.StartsWith(PlatformContent + "src/Heroku.AspNetCore/", StringComparison.Ordinal))
            .Select(entry => entry[(PlatformContent + "src/Heroku.AspNetCore/").Length..]);

        Assert.Contains("Heroku.AspNetCore.csproj", inApp);
        Assert.Equal(inApp.Order(), inUpdate.Order());
        Assert.Equal([PlatformContent + ".template.config/dotnetcli.host.json", PlatformContent + ".template.config/template.json"],
            entries.Where(entry => entry.StartsWith(PlatformContent, StringComparison.Ordinal)
                && !entry.StartsWith(PlatformContent + "src/Heroku.AspNetCore/", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public void The_package_carries_nothing_built_and_no_local_settings()
    {
        var entries = Entries();

        Assert.DoesNotContain(entries, entry => entry.Contains("/bin/", StringComparison.Ordinal) || entry.Contains("/obj/", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, entry => entry.EndsWith("/.env", StringComparison.Ordinal));
    }

    [Fact]
    public void The_package_is_a_described_mit_licensed_template_package()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        var nuspecEntry = archive.Entries.Single(entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(element => element.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().Single(element => element.Name.LocalName == name).Value;

        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.Contains("heroku", Value("tags"));
        Assert.NotEmpty(Value("description"));
        Assert.Contains(metadata.Descendants(), element => element.Name.LocalName == "packageType" && (string?)element.Attribute("name") == "Template");
    }

    [Fact]
    public async Task Repository_build_settings_do_not_reach_the_template_built_in_place()
    {
        var project = Path.Combine(Repository.TemplateContent, "src", "HerokuApp.1", "HerokuApp.1.csproj");
        using var directory = TemporaryDirectory.Create("heroku-web-preprocessed-");
        var preprocessed = Path.Combine(directory.Path, "project.xml");
        (await DotnetCli.RunAsync(["msbuild", project, $"-pp:{preprocessed}"], Repository.Root)).EnsureSuccess();
        var imports = await File.ReadAllTextAsync(preprocessed);

        Assert.Contains(Path.Combine(Repository.TemplateContent, "Directory.Build.props"), imports);
        Assert.DoesNotContain(Path.Combine(Repository.Root, "Directory.Build.props"), imports);
    }

    private List<string> Entries()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        return [.. archive.Entries.Select(entry => entry.FullName)];
    }
}
