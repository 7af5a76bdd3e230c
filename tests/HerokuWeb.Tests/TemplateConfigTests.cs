using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// The templates' configuration, read from <c>templates/</c> as written (no packing, no <c>dotnet new</c>):
/// valid against SchemaStore's schemas, and passing the checks the template engine's authoring validation
/// makes (Microsoft.TemplateEngine's <c>MandatoryValidation</c>, MV001–MV012, and the <c>CONFIG02xx</c>
/// post-action checks, which <c>ValidateTemplates</c> in Microsoft.TemplateEngine.Authoring.Tasks reports),
/// with what Microsoft's own templates add: everything a user sees described, every name consistent.
/// </summary>
public sealed partial class TemplateConfigTests
{
    /// <summary>The options of <c>dotnet new</c> itself, which a template's options must not take.</summary>
    private static readonly string[] DotnetNewOptions =
        ["-n", "--name", "-o", "--output", "--dry-run", "--force", "--no-update-check", "--project", "-lang", "--language", "--type", "-h", "--help", "-?", "-v", "--verbosity", "-d", "--diagnostics"];

    public static TheoryData<string> Templates => [.. TemplateSource.All.Select(template => template.Name)];

    public static TheoryData<string, string> ConfigFiles =>
        [.. TemplateSource.All.SelectMany(template => TemplateSource.ConfigFiles.Select(file => (template.Name, file)))];

    // ---- SchemaStore's schemas ----

    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void Each_configuration_file_is_valid_against_schemastores_schema(string template, string file)
    {
        var document = TemplateSource.Named(template).Read(file);

        var errors = TemplateSchemas.Errors(file, document);

        Assert.True(errors.Count == 0, $"{template}/.template.config/{file}:\n" + string.Join('\n', errors));
    }

    [Fact]
    public void The_schemas_reject_what_the_engine_would_reject()
    {
        // No identity; a post action without its action's id; a symbol of no known type.
        Assert.NotEmpty(TemplateSchemas.Errors("template.json", JsonNode.Parse("""{ "author": "a", "classifications": [], "name": "n", "shortName": "s", "tags": { "type": "project" } }""")!));
        Assert.NotEmpty(TemplateSchemas.Errors("template.json", JsonNode.Parse("""{ "author": "a", "classifications": [], "identity": "i", "name": "n", "shortName": "s", "tags": { "type": "project" }, "postActions": [{ "manualInstructions": [] }] }""")!));
        Assert.NotEmpty(TemplateSchemas.Errors("template.json", JsonNode.Parse("""{ "author": "a", "classifications": [], "identity": "i", "name": "n", "shortName": "s", "tags": { "type": "project" }, "symbols": { "x": { "type": "option" } } }""")!));
        // The draft-4 schema, read as draft 6, still checks.
        Assert.NotEmpty(TemplateSchemas.Errors("dotnetcli.host.json", JsonNode.Parse("""{ "symbolInfo": { "database": { "shortName": 1 } } }""")!));
        Assert.NotEmpty(TemplateSchemas.Errors("ide.host.json", JsonNode.Parse("""{ "symbolInfo": [{ "id": "database", "isVisible": "yes" }] }""")!));
    }

    /// <summary>
    /// dotnetcli.host.json's schema declares draft 4, which JsonSchema.Net does not implement; it is read as
    /// draft 6 (Infrastructure/TemplateSchemas.cs). That is exact only while it uses no keyword whose meaning
    /// changed between the two: <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c> (booleans in draft 4, numbers
    /// in 6), <c>const</c>, <c>contains</c>, <c>propertyNames</c> (ignored by draft 4), a non-local <c>$ref</c>
    /// (draft 4's <c>id</c>, unknown to draft 6, would resolve it), or the type <c>integer</c> (draft 6 counts 1.0).
    /// </summary>
    [Fact]
    public void The_draft_4_schema_uses_only_keywords_draft_6_reads_the_same_way()
    {
        string[] same =
        [
            "$schema", "id", "title", "description", "default", "definitions", "$ref", "type", "properties",
            "additionalProperties", "patternProperties", "items", "additionalItems", "required", "enum", "pattern",
            "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
            "minimum", "maximum", "multipleOf", "format", "allOf", "anyOf", "oneOf", "not", "dependencies",
        ];
        foreach (var file in TemplateSource.ConfigFiles.Where(file => (string?)TemplateSchemas.Text(file)["$schema"] == TemplateSchemas.Draft04))
        {
            var schema = TemplateSchemas.Text(file);
            var keywords = Keywords(schema).ToList();

            Assert.Empty(keywords.Select(keyword => keyword.Name).Except(same, StringComparer.Ordinal));
            Assert.All(keywords.Where(keyword => keyword.Name == "$ref"), keyword => Assert.StartsWith("#/", (string?)keyword.Value, StringComparison.Ordinal));
            Assert.DoesNotContain("integer", keywords.Where(keyword => keyword.Name == "type").SelectMany(keyword => keyword.Value is JsonArray types ? types.Select(type => (string?)type) : [(string?)keyword.Value]));
        }
    }

    /// <summary>
    /// SchemaStore's schemas leave objects open, so this is the check they do not make: every key is one the
    /// schema names, spelled as it spells it. The engine's lookups ignore case, so <c>"dataType"</c> works, and
    /// the schema, which knows <c>datatype</c>, never validates its value; a key the engine does not know at all
    /// is silently ignored.
    /// </summary>
    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void Every_key_is_one_the_schema_names(string template, string file)
    {
        var document = TemplateSource.Named(template).Read(file);
        var unknown = new SchemaKeys(TemplateSchemas.Text(file)).Unknown(document)
            // "$schema" is for editors. The engine reads SpecialCustomOperations (TemplateConfigModel), which
            // SchemaStore's schema lacks.
            .Except(["/$schema", "/SpecialCustomOperations"], StringComparer.Ordinal);

        Assert.Empty(unknown);
    }

    // ---- The engine's authoring validation and Microsoft's conventions ----

    [Fact]
    public void Identities_group_identities_and_short_names_are_unique_across_the_pack()
    {
        var templates = TemplateSource.All.Select(template => template.TemplateJson).ToList();
        var shortNames = templates.SelectMany(ShortNames).ToList();

        Assert.Equal(2, templates.Count);
        Assert.Equal(templates.Count, templates.Select(template => (string?)template["identity"]).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(templates.Count, templates.Select(template => (string?)template["groupIdentity"]).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(shortNames.Count, shortNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        // As Microsoft's: the group's identity, then the language and the .NET version (Microsoft.Web.RazorPages.CSharp.10.0).
        Assert.All(templates, template => Assert.Matches(
            "^" + Regex.Escape((string)template["groupIdentity"]!) + @"\.CSharp\.[0-9]+\.[0-9]+$", (string?)template["identity"]));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void The_engines_mandatory_checks_pass(string name)
    {
        var template = TemplateSource.Named(name);
        var json = template.TemplateJson;

        Assert.False(string.IsNullOrWhiteSpace((string?)json["identity"]), "MV001: no identity");
        Assert.False(string.IsNullOrWhiteSpace((string?)json["name"]), "MV002: no name");
        Assert.NotEmpty(ShortNames(json)); // MV003
        Assert.All(template.Parameters.Where(parameter => (bool?)parameter.Value["allowMultipleValues"] == true), parameter =>
            Assert.All(Choices(parameter.Value), choice => Assert.Matches("^[^|,]+$", choice.Name))); // MV004
        // MV005, sourceName: see Names_come_from_the_apps_name_alone.
        Assert.False(string.IsNullOrWhiteSpace((string?)json["author"]), "MV006: no author");
        Assert.False(string.IsNullOrWhiteSpace((string?)json["groupIdentity"]), "MV007: no groupIdentity");
        Assert.Equal("[1.0.0.0-*)", (string?)json["generatorVersions"]); // MV008, as Microsoft's templates say it
        Assert.True(json["precedence"]?.GetValue<int>() > 0, "MV009: no precedence"); // MV009
        Assert.NotEmpty(json["classifications"]!.AsArray()); // MV010
        Assert.All(PostActions(json), action => Assert.NotEmpty(action["manualInstructions"]?.AsArray() ?? new JsonArray())); // MV011
        Assert.All(json["sources"]?.AsArray() ?? new JsonArray(), source => Assert.True(
            Directory.Exists(Path.GetFullPath(Path.Combine(template.Directory, (string?)source!["source"] ?? "./"))), "MV012: a source folder is missing"));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_option_and_every_choice_is_described(string name)
    {
        var template = TemplateSource.Named(name);

        Assert.NotEmpty(template.Parameters);
        Assert.All(template.Parameters, parameter =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)parameter.Value["description"]), $"{parameter.Key} has no description");
            Assert.All(Choices(parameter.Value), choice => Assert.False(string.IsNullOrWhiteSpace(choice.Description), $"{parameter.Key}'s choice {choice.Name} has no description"));
        });
        Assert.False(string.IsNullOrWhiteSpace((string?)template.TemplateJson["description"]), "the template has no description");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Tags_and_classifications_place_it_beside_microsofts_web_templates(string name)
    {
        var json = TemplateSource.Named(name).TemplateJson;
        var classifications = json["classifications"]!.AsArray().Select(item => (string?)item).ToList();

        Assert.Equal("C#", (string?)json["tags"]?["language"]);
        // What it makes: heroku-web a whole solution, heroku-platform one project of it.
        Assert.Equal(name == "heroku-web" ? "solution" : "project", (string?)json["tags"]?["type"]);
        // First as Microsoft's web templates (Web/MVC/Razor Pages), so `dotnet new list --tag Web` shows it among them.
        Assert.Equal(["Web", "Cloud", "Heroku"], classifications.Take(3));
        Assert.Equal(classifications.Count, classifications.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    /// <summary>
    /// heroku-web has no <c>sourceName</c>: its derived <c>appName</c> symbol replaces the placeholder
    /// (<c>HerokuApp.1</c>) with the name made safe (the platform's own name gets <c>.App</c>), so one
    /// symbol, fed by the name alone, decides every name. heroku-platform writes into an existing app and
    /// takes no name: nothing of it may carry the placeholder.
    /// </summary>
    [Fact]
    public void Names_come_from_the_apps_name_alone()
    {
        var web = TemplateSource.Named("heroku-web");
        var json = web.TemplateJson;
        var forms = (json["forms"] as JsonObject ?? new JsonObject()).Select(form => form.Key).ToHashSet(StringComparer.Ordinal);
        var builtInForms = BuiltInForms();
        var fromName = web.Symbols.Where(symbol => (string?)symbol.Value["valueSource"] == "name").ToList();
        var appName = Assert.Single(fromName).Value;
        var placeholder = (string)appName["replaces"]!;

        Assert.Null(json["sourceName"]);
        Assert.Equal("derived", (string?)appName["type"]);
        Assert.Equal(placeholder, (string?)appName["fileRename"]);
        Assert.Contains((string)appName["valueTransform"]!, forms);
        Assert.All(appName["forms"]!["global"]!.AsArray(), form => Assert.True(forms.Contains((string)form!) || builtInForms.Contains((string)form!), $"form {form} is not defined"));
        Assert.All((json["forms"] as JsonObject ?? new JsonObject()).Where(form => (string?)form.Value!["identifier"] == "chain"), chain =>
            Assert.All(chain.Value!["steps"]!.AsArray(), step => Assert.Contains((string)step!, forms)));
        Assert.Contains(Directory.EnumerateFileSystemEntries(web.Directory, "*", SearchOption.AllDirectories), path => Path.GetFileName(path).Contains(placeholder, StringComparison.Ordinal));
        Assert.True(json["preferNameDirectory"]?.GetValue<bool>(), "heroku-web makes a folder named after the app");
        Assert.False(string.IsNullOrWhiteSpace((string?)json["defaultName"]));
        // Other symbols take the app's name from appName, never from the raw name.
        Assert.All(web.Symbols.Where(symbol => symbol.Value["parameters"]?["source"] is not null), symbol =>
            Assert.Equal("appName", (string?)symbol.Value["parameters"]!["source"]));

        var platform = TemplateSource.Named("heroku-platform").TemplateJson;
        var platformFiles = Directory.EnumerateFiles(Path.Combine(web.Directory, "src", "Heroku.AspNetCore"), "*", SearchOption.AllDirectories);
        Assert.Null(platform["sourceName"]);
        Assert.False(platform["preferNameDirectory"]?.GetValue<bool>(), "heroku-platform writes into the app's folder");
        Assert.DoesNotContain(TemplateSource.Named("heroku-platform").Symbols, symbol => symbol.Value["valueSource"] is not null || symbol.Value["fileRename"] is not null);
        Assert.DoesNotContain(platformFiles, file => file.Contains(placeholder, StringComparison.Ordinal) || File.ReadAllText(file).Contains(placeholder, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Post_actions_are_well_formed_and_localizable(string name)
    {
        var json = TemplateSource.Named(name).TemplateJson;
        var actions = PostActions(json).ToList();
        var known = KnownPostActions();

        Assert.NotEmpty(actions);
        Assert.All(actions, action =>
        {
            var id = (string?)action["id"];
            Assert.False(string.IsNullOrWhiteSpace(id), "a post action has no id: it cannot be localized");
            Assert.True(Guid.TryParse((string?)action["actionId"], out var actionId), $"{id}: CONFIG0202, no actionId");
            Assert.True(known.Contains(actionId), $"{id}: actionId {actionId} is none the SDK runs");
            Assert.False(string.IsNullOrWhiteSpace((string?)action["description"]), $"{id}: no description");
            Assert.True(action["continueOnError"]?.GetValueKind() is JsonValueKind.True or JsonValueKind.False, $"{id}: continueOnError is not stated");
            var instructions = action["manualInstructions"]!.AsArray().Select(instruction => instruction!.AsObject()).ToList();
            Assert.All(instructions, instruction => Assert.False(string.IsNullOrWhiteSpace((string?)instruction["text"]), $"{id}: an instruction has no text"));
            if (instructions.Count > 1)
            {
                // Several instructions are localized by their ids (the engine's LOC001; CONFIG0203).
                var ids = instructions.Select(instruction => (string?)instruction["id"]).ToList();
                Assert.DoesNotContain(null, ids);
                Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
            }
            Assert.All((action["applyFileRenamesToArgs"]?.AsArray() ?? new JsonArray()).Select(arg => (string)arg!),
                arg => Assert.True(action["args"]?[arg] is not null, $"{id}: CONFIG0204, no argument {arg}"));
        });
        var actionIds = actions.Select(action => (string?)action["id"]).ToList();
        Assert.Equal(actionIds.Count, actionIds.Distinct(StringComparer.Ordinal).Count()); // CONFIG0201
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Conditions_name_only_symbols_the_template_has(string name)
    {
        var template = TemplateSource.Named(name);
        var json = template.TemplateJson;
        var symbols = template.Symbols.Select(symbol => symbol.Key).Append("name").ToHashSet(StringComparer.Ordinal);
        var conditions = new List<string>();
        Collect(json, conditions);

        Assert.NotEmpty(conditions);
        Assert.All(conditions, condition => Assert.All(
            Identifier().Matches(QuotedString().Replace(condition, "")).Select(match => match.Value).Where(word => word is not ("true" or "false")),
            word => Assert.True(symbols.Contains(word), $"{condition} names {word}, which is no symbol")));

        static void Collect(JsonNode? node, List<string> found)
        {
            switch (node)
            {
                case JsonObject value:
                    foreach (var (key, child) in value)
                    {
                        if (key == "condition" && child?.GetValueKind() == JsonValueKind.String)
                        {
                            found.Add((string)child!);
                        }
                        else if (key == "value" && (string?)value["type"] == "computed")
                        {
                            found.Add((string)child!);
                        }
                        else if (key != "SpecialCustomOperations")
                        {
                            Collect(child, found);
                        }
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Collect(item, found);
                    }
                    break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void The_host_files_name_only_the_templates_options_and_each_short_name_once(string name)
    {
        var template = TemplateSource.Named(name);
        var parameters = template.Parameters.ToDictionary(parameter => parameter.Key, parameter => parameter.Value, StringComparer.Ordinal);
        var cli = template.Read("dotnetcli.host.json")["symbolInfo"]!.AsObject();
        var ide = template.Read("ide.host.json")["symbolInfo"]?.AsArray().Select(info => info!.AsObject()).ToList() ?? [];

        // Every option is named for the CLI, as Microsoft's templates name theirs (--framework, --no-restore).
        Assert.Equal(parameters.Keys.Order(StringComparer.Ordinal), cli.Select(info => info.Key).Order(StringComparer.Ordinal));
        Assert.All(ide, info => Assert.True(parameters.ContainsKey((string)info["id"]!), $"ide.host.json names {info["id"]}, which is no option"));
        Assert.All(ide.Where(info => info["choices"] is not null), info => Assert.All(info["choices"]!.AsArray(), choice =>
            Assert.Contains((string?)choice!["id"], Choices(parameters[(string)info["id"]!]).Select(known => known.Name))));

        var options = cli.SelectMany(info => new[] { (string?)info.Value!["shortName"], (string?)info.Value!["longName"] })
            .Where(option => !string.IsNullOrEmpty(option)).ToList();
        Assert.Equal(options.Count, options.Distinct(StringComparer.Ordinal).Count());
        Assert.All(cli, info => Assert.Matches("^[a-z][a-z0-9-]*$", (string?)info.Value!["longName"]));
        Assert.Empty(cli.SelectMany(info => new[] { "-" + (string?)info.Value!["shortName"], "--" + (string?)info.Value!["longName"] }).Intersect(DotnetNewOptions, StringComparer.Ordinal));

        // The usage examples use only options that exist.
        var known = cli.SelectMany(info => new[] { "-" + (string?)info.Value!["shortName"], "--" + (string?)info.Value!["longName"] }).Concat(DotnetNewOptions).ToHashSet(StringComparer.Ordinal);
        var examples = template.Read("dotnetcli.host.json")["usageExamples"]!.AsArray().Select(example => (string)example!).ToList();
        Assert.NotEmpty(examples);
        Assert.All(examples.SelectMany(example => example.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(word => word.StartsWith('-')),
            option => Assert.Contains(option, known));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void The_ide_host_file_names_an_icon_the_package_carries(string name)
    {
        var icon = (string?)TemplateSource.Named(name).Read("ide.host.json")["icon"];

        Assert.Equal("icon.png", icon);
        Assert.NotNull(icon);
        // One file for both templates: Template.Pack.csproj packs heroku-web's into heroku-platform too.
        var file = Path.Combine(TemplateSource.Named("heroku-web").ConfigDirectory, icon);
        Assert.True(File.Exists(file), file + " is missing");
        var bytes = File.ReadAllBytes(file);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes.Take(4));
        // Width and height, from the IHDR chunk: square, as Visual Studio and nuget.org show it.
        Assert.Equal(128, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(128, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Primary_outputs_exist(string name)
    {
        var template = TemplateSource.Named(name);

        Assert.All(template.TemplateJson["primaryOutputs"]?.AsArray() ?? new JsonArray(), output =>
            Assert.True(File.Exists(Path.Combine(template.Directory, (string)output!["path"]!)), $"{output!["path"]} is not in the template"));
    }

    private static List<string> ShortNames(JsonObject template) => template["shortName"] switch
    {
        JsonArray names => [.. names.Select(name => (string)name!)],
        JsonValue name => [(string)name!],
        _ => [],
    };

    private static IEnumerable<JsonObject> PostActions(JsonObject template) =>
        (template["postActions"]?.AsArray() ?? new JsonArray()).Select(action => action!.AsObject());

    private static IEnumerable<(string Name, string? Description)> Choices(JsonObject parameter) =>
        (parameter["choices"]?.AsArray() ?? new JsonArray()).Select(choice => ((string)choice!["choice"]!, (string?)choice["description"]));

    /// <summary>The post actions the SDK runs, as SchemaStore's schema lists them.</summary>
    private static HashSet<Guid> KnownPostActions()
    {
        var schema = TemplateSchemas.Text("template.json");
        var branches = schema["properties"]!["postActions"]!["items"]!["allOf"]!.AsArray()
            .SelectMany(part => part!["oneOf"]?.AsArray() ?? new JsonArray());
        return [.. branches.Select(branch => branch!["properties"]?["actionId"]?["enum"]).OfType<JsonArray>()
            .SelectMany(ids => ids).Select(id => Guid.Parse((string)id!))];
    }

    /// <summary>The value forms the engine defines, as SchemaStore's schema lists them.</summary>
    private static HashSet<string> BuiltInForms()
    {
        var schema = TemplateSchemas.Text("template.json");
        return [.. schema["properties"]!["forms"]!["additionalProperties"]!["oneOf"]!.AsArray()
            .Select(branch => branch!["properties"]?["identifier"]?["enum"]).OfType<JsonArray>()
            .SelectMany(identifiers => identifiers).Select(identifier => (string)identifier!)];
    }

    /// <summary>Every keyword of a schema, with its value: each object's keys, but not the names in properties and definitions.</summary>
    private static IEnumerable<(string Name, JsonNode? Value)> Keywords(JsonNode? schema)
    {
        switch (schema)
        {
            case JsonObject value:
                foreach (var (key, child) in value)
                {
                    yield return (key, child);
                    IEnumerable<JsonNode?> subschemas = key is "properties" or "definitions" or "patternProperties" or "dependencies"
                        ? (child as JsonObject ?? new JsonObject()).Select(entry => entry.Value)
                        : key is "enum" or "default" or "required" ? [] : [child];
                    foreach (var keyword in subschemas.SelectMany(Keywords))
                    {
                        yield return keyword;
                    }
                }
                break;
            case JsonArray array:
                foreach (var keyword in array.SelectMany(Keywords))
                {
                    yield return keyword;
                }
                break;
        }
    }

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex QuotedString();

    [GeneratedRegex("[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Identifier();
}
