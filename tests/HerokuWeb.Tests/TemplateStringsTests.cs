using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// Each template's localizable strings, <c>.template.config/localize/templatestrings.en.json</c>, as
/// Microsoft's <c>LocalizeTemplates</c> task writes them, kept in step with template.json. With
/// <c>UPDATE_TEMPLATE_STRINGS=1</c> the test writes the file instead of comparing it.
/// </summary>
public sealed class TemplateStringsTests
{
    private const string UpdateVariable = "UPDATE_TEMPLATE_STRINGS";

    public static TheoryData<string> Templates => [.. TemplateSource.All.Select(template => template.Name)];

    [Theory]
    [MemberData(nameof(Templates))]
    public void The_template_strings_are_those_of_template_json(string name)
    {
        var template = TemplateSource.Named(name);
        var expected = TemplateStrings.Write(TemplateStrings.Extract(template.TemplateJson));

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(template.TemplateStringsPath)!);
            File.WriteAllText(template.TemplateStringsPath, expected);
        }

        var actual = File.Exists(template.TemplateStringsPath) ? File.ReadAllText(template.TemplateStringsPath) : null;
        Assert.True(actual == expected,
            $"{Path.GetRelativePath(Repository.Root, template.TemplateStringsPath)} is {(actual is null ? "missing" : "out of date")}: " +
            $"run `{UpdateVariable}=1 dotnet test tests/HerokuWeb.Tests --filter FullyQualifiedName~TemplateStringsTests` and commit the file.");
    }

    /// <summary>
    /// The engine reads <c>templatestrings.CULTURE.json</c> only, and reports a translation of a post action or
    /// instruction template.json lacks (LOC001, LOC002): every file of the folder is named for a culture and
    /// has the English file's keys, no more, no fewer.
    /// </summary>
    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_file_of_the_localize_folder_is_a_translation_with_the_english_keys(string name)
    {
        var template = TemplateSource.Named(name);
        var english = Keys(template.TemplateStringsPath);

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(template.TemplateStringsPath)!, "*", SearchOption.AllDirectories))
        {
            var culture = Regex.Match(Path.GetFileName(file), @"^templatestrings\.(.+)\.json$").Groups[1].Value;
            Assert.True(IsCulture(culture), $"{file}: the engine reads only templatestrings.CULTURE.json");
            Assert.Equal(english, Keys(file));
        }
    }

    [Fact]
    public void The_keys_are_the_ones_the_engine_looks_up()
    {
        var template = JsonNode.Parse("""
            {
              "author": "A", "name": "N", "description": "D",
              "symbols": {
                "db": { "type": "parameter", "displayName": "Database", "description": "Which", "choices": [{ "choice": "pg", "description": "PostgreSQL's" }] },
                "on": { "type": "computed", "value": "(db == \"pg\")" }
              },
              "postActions": [
                { "id": "restore", "description": "R", "manualInstructions": [{ "text": "Run 'dotnet restore'" }] },
                { "id": "next", "manualInstructions": [{ "id": "a", "text": "A\n  b" }, { "id": "b", "text": "B" }] }
              ]
            }
            """)!.AsObject();

        var text = TemplateStrings.Write(TemplateStrings.Extract(template));

        Assert.Equal("""
            {
              "author": "A",
              "name": "N",
              "description": "D",
              "symbols/db/displayName": "Database",
              "symbols/db/description": "Which",
              "symbols/db/choices/pg/description": "PostgreSQL's",
              "postActions/restore/description": "R",
              "postActions/restore/manualInstructions/default/text": "Run 'dotnet restore'",
              "postActions/next/manualInstructions/a/text": "A\n  b",
              "postActions/next/manualInstructions/b/text": "B"
            }

            """, text);
    }

    private static bool IsCulture(string name)
    {
        try
        {
            return name.Length > 0 && CultureInfo.GetCultureInfo(name, predefinedOnly: true).Name.Length > 0;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    private static List<string> Keys(string file) =>
        [.. JsonNode.Parse(File.ReadAllText(file))!.AsObject().Select(pair => pair.Key)];

    [Fact]
    public void Strings_that_cannot_be_keyed_are_refused()
    {
        // A post action without an id, and two instructions without ids: the engine could not match their translations.
        Assert.Throws<InvalidOperationException>(() => TemplateStrings.Extract(JsonNode.Parse("""{ "postActions": [{ "description": "R", "manualInstructions": [{ "text": "x" }] }] }""")!.AsObject()));
        Assert.Throws<InvalidOperationException>(() => TemplateStrings.Extract(JsonNode.Parse("""{ "postActions": [{ "id": "n", "manualInstructions": [{ "text": "x" }, { "text": "y" }] }] }""")!.AsObject()));
    }
}
