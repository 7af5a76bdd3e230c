using System.IO.Compression;
using System.Text.Json;
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
        Assert.Equal(
            [
                PlatformContent + ".template.config/dotnetcli.host.json",
                PlatformContent + ".template.config/icon.png",
                PlatformContent + ".template.config/ide.host.json",
                PlatformContent + ".template.config/localize/templatestrings.en.json",
                PlatformContent + ".template.config/template.json",
            ],
            entries.Where(entry => entry.StartsWith(PlatformContent, StringComparison.Ordinal)
                && !entry.StartsWith(PlatformContent + "src/Heroku.AspNetCore/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
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
        var metadata = Metadata();
        string Value(string name) => metadata.Elements().Single(element => element.Name.LocalName == name).Value;

        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.Contains("heroku", Value("tags"));
        Assert.NotEmpty(Value("description"));
        Assert.Contains(metadata.Descendants(), element => element.Name.LocalName == "packageType" && (string?)element.Attribute("name") == "Template");
    }

    [Fact]
    public void The_package_page_shows_the_icon_and_the_readme()
    {
        var entries = Entries();
        var metadata = Metadata();
        var icon = File.ReadAllBytes(Path.Combine(TemplateSource.Named("heroku-web").ConfigDirectory, "icon.png"));

        Assert.Equal("icon.png", metadata.Elements().Single(element => element.Name.LocalName == "icon").Value);
        Assert.Equal(icon, Bytes("icon.png"));
        Assert.Equal("README.md", metadata.Elements().Single(element => element.Name.LocalName == "readme").Value);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Repository.Root, "README.md")), Bytes("README.md"));
        Assert.Contains("README.md", entries);
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Each_templates_ide_host_file_names_an_icon_in_the_package(string template)
    {
        var config = $"content/templates/{template}/.template.config/";
        using var hostFile = JsonDocument.Parse(Bytes(config + "ide.host.json"));

        var icon = hostFile.RootElement.GetProperty("icon").GetString();

        Assert.Equal(File.ReadAllBytes(Path.Combine(TemplateSource.Named("heroku-web").ConfigDirectory, "icon.png")), Bytes(config + icon));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Each_template_carries_its_strings_for_localization(string template)
    {
        Assert.Equal(File.ReadAllBytes(TemplateSource.Named(template).TemplateStringsPath),
            Bytes($"content/templates/{template}/.template.config/localize/templatestrings.en.json"));
    }

    /// <summary>
    /// The engine reads the strings from the package, under the keys the files use: a copy of the package whose
    /// every string is replaced by a marker naming its key shows those markers in help and in next steps.
    /// </summary>
    [Fact]
    public async Task Dotnet_new_shows_the_strings_of_the_localize_folder()
    {
        using var directory = TemporaryDirectory.Create("heroku-web-localized-");
        var copy = Path.Combine(directory.Path, Path.GetFileName(package.PackagePath));
        File.Copy(package.PackagePath, copy);
        var markers = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var archive = ZipFile.Open(copy, ZipArchiveMode.Update))
        {
            foreach (var entry in archive.Entries.Where(entry => entry.FullName.Contains("/localize/templatestrings.", StringComparison.Ordinal)).ToList())
            {
                var template = entry.FullName.Split('/')[2];
                Dictionary<string, string> strings;
                using (var reader = entry.Open())
                {
                    strings = JsonSerializer.Deserialize<Dictionary<string, string>>(reader)!;
                }
                var localized = strings.Keys.ToDictionary(key => key, key => markers[$"{template}:{key}"] = $"L10N-{markers.Count}-END");
                entry.Delete();
                using var writer = archive.CreateEntry(entry.FullName).Open();
                JsonSerializer.Serialize(writer, localized);
            }
        }
        await using var hive = await TemplateHive.CreateAsync(copy);

        var webHelp = await hive.RunDotnetNewAsync([TemplatePackage.ShortName, "--help"]);
        var platformHelp = await hive.RunDotnetNewAsync(["heroku-platform", "--help"]);
        var web = await hive.InstantiateAsync(TemplatePackage.ShortName, ["-n", "Localized", "--database", "none", "--no-restore"]);
        var platform = await hive.InstantiateAsync("heroku-platform", ["--database", "none"]);

        Assert.All(["name", "description", "symbols/database/description", "symbols/database/choices/postgres/description", "symbols/skipRestore/description"],
            key => Assert.Contains(markers["heroku-web:" + key], webHelp.StandardOutput, StringComparison.Ordinal));
        Assert.All(["name", "description", "symbols/database/description", "symbols/database/choices/none/description"],
            key => Assert.Contains(markers["heroku-platform:" + key], platformHelp.StandardOutput, StringComparison.Ordinal));
        Assert.Contains(markers["heroku-web:postActions/nextSteps/manualInstructions/nodb/text"], web.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(markers["heroku-platform:postActions/nextSteps/manualInstructions/default/text"], platform.StandardOutput, StringComparison.Ordinal);
        // The folder is the template's configuration, never part of what it writes.
        Assert.False(Directory.Exists(Path.Combine(web.WorkingDirectory, "Localized", ".template.config")));
        Assert.Equal(["src"], Directory.GetFileSystemEntries(platform.WorkingDirectory).Select(Path.GetFileName));
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

    public static TheoryData<string> Templates => [.. TemplateSource.All.Select(template => template.Name)];

    private XElement Metadata()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        var nuspecEntry = archive.Entries.Single(entry => entry.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(element => element.Name.LocalName == "metadata");
    }

    private byte[] Bytes(string entryName)
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        var entry = archive.GetEntry(entryName) ?? throw new InvalidOperationException($"The package has no {entryName}.");
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private List<string> Entries()
    {
        using var archive = ZipFile.OpenRead(package.PackagePath);
        return [.. archive.Entries.Select(entry => entry.FullName)];
    }
}
