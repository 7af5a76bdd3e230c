using System.Text.Json.Nodes;
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
        // The template's configuration (host files, icon, localize/) stays in the package.
        Assert.False(Directory.Exists(Path.Combine(result.WorkingDirectory, "Shop", ".template.config")));
    }

    public static TheoryData<string> Templates => [.. TemplateSource.All.Select(template => template.Name)];

    /// <summary>
    /// `dotnet new TEMPLATE --help` lists every option of template.json under the name dotnetcli.host.json gives
    /// it, with its description, each choice with its own, and its default, or that it is required; but for an option
    /// that dotnetcli.host.json hides, which is never meant to be given.
    /// </summary>
    [Theory]
    [MemberData(nameof(Templates))]
    public async Task Help_describes_every_option_and_shows_its_default(string name)
    {
        var template = TemplateSource.Named(name);
        var symbolInfo = template.Read("dotnetcli.host.json")["symbolInfo"]!.AsObject();
        var help = await package.Hive.RunDotnetNewAsync([(string)template.TemplateJson["shortName"]!, "--help"]);
        var options = TemplateOptions(help.StandardOutput);
        var shown = template.Parameters.Where(parameter => symbolInfo[parameter.Key]?["isHidden"]?.GetValue<bool>() != true).ToList();

        Assert.Equal(shown.Count, options.Count);
        Assert.All(shown, parameter =>
        {
            var shortName = (string?)symbolInfo[parameter.Key]?["shortName"];
            var longName = "--" + (string)symbolInfo[parameter.Key]!["longName"]!;
            var heading = string.IsNullOrEmpty(shortName) ? longName : $"-{shortName}, {longName}";
            var block = Assert.Single(options, option => option.StartsWith(heading + " ", StringComparison.Ordinal));

            Assert.Contains(Words((string)parameter.Value["description"]!), block, StringComparison.Ordinal);
            foreach (var choice in parameter.Value["choices"]?.AsArray() ?? new JsonArray())
            {
                Assert.Contains(Words($"{choice!["choice"]} {choice["description"]}"), block, StringComparison.Ordinal);
            }
            if ((bool?)parameter.Value["isRequired"] == true)
            {
                Assert.Contains("Required: *true*", block, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains($"Default: {parameter.Value["defaultValue"]}", block, StringComparison.Ordinal);
            }
        });
    }

    /// <summary>`dotnet new list` shows both templates among Microsoft's web templates, with their language, type and classifications.</summary>
    [Fact]
    public async Task The_list_shows_both_templates_beside_microsofts_web_templates()
    {
        var list = await package.Hive.RunDotnetNewAsync(["list", "--tag", "Web", "--columns", "language", "--columns", "type", "--columns", "tags"]);
        var lines = list.StandardOutput.ReplaceLineEndings("\n").Split('\n');

        Assert.Contains(lines, line => line.Contains(" webapp,razor ", StringComparison.Ordinal));
        foreach (var template in TemplateSource.All.Select(template => template.TemplateJson))
        {
            var row = Assert.Single(lines, line => line.Contains($" {template["shortName"]} ", StringComparison.Ordinal));
            Assert.StartsWith((string)template["name"]!, row, StringComparison.Ordinal);
            Assert.Contains($" [C#] ", row, StringComparison.Ordinal);
            Assert.Contains($" {template["tags"]!["type"]} ", row, StringComparison.Ordinal);
            Assert.EndsWith(string.Join('/', template["classifications"]!.AsArray()), row.TrimEnd(), StringComparison.Ordinal);
        }
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

    /// <summary>Each option's block under "Template options:", its lines joined with single spaces.</summary>
    private static List<string> TemplateOptions(string help)
    {
        var blocks = new List<string>();
        foreach (var line in help.ReplaceLineEndings("\n").Split('\n').SkipWhile(line => line != "Template options:").Skip(1))
        {
            if (line.StartsWith("  -", StringComparison.Ordinal))
            {
                blocks.Add(line.Trim());
            }
            else if (line.StartsWith("   ", StringComparison.Ordinal) && blocks.Count > 0)
            {
                blocks[^1] += " " + line.Trim();
            }
            else if (line.Trim().Length > 0)
            {
                break;
            }
        }
        return [.. blocks.Select(Words)];
    }

    /// <summary>Text as help shows it once its lines are joined: words separated by single spaces.</summary>
    private static string Words(string text) => string.Join(' ', text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
