using System.Text.Json.Nodes;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// One template of the pack as its author writes it: <c>templates/NAME/.template.config/</c>, read straight
/// from the repository, with no packing and no <c>dotnet new</c>.
/// </summary>
public sealed class TemplateSource
{
    /// <summary>The configuration files of a template that have a schema: the template and its two host files.</summary>
    public static IReadOnlyList<string> ConfigFiles { get; } = ["template.json", "dotnetcli.host.json", "ide.host.json"];

    private TemplateSource(string name) => Name = name;

    /// <summary>Every template of the pack: each folder of <c>templates/</c> with a <c>.template.config/template.json</c>.</summary>
    public static IReadOnlyList<TemplateSource> All { get; } =
    [
        .. System.IO.Directory.GetDirectories(Path.Combine(Repository.Root, "templates"))
            .Where(folder => File.Exists(Path.Combine(folder, ".template.config", "template.json")))
            .Select(folder => Path.GetFileName(folder))
            .Order(StringComparer.Ordinal)
            .Select(name => new TemplateSource(name)),
    ];

    public static TemplateSource Named(string name) => All.Single(template => template.Name == name);

    /// <summary>The folder name under <c>templates/</c>: <c>heroku-web</c>, <c>heroku-platform</c>.</summary>
    public string Name { get; }

    public string Directory => Path.Combine(Repository.Root, "templates", Name);

    public string ConfigDirectory => Path.Combine(Directory, ".template.config");

    /// <summary>The localizable strings in the format Microsoft's authoring tasks write, in English, the language template.json is written in.</summary>
    public string TemplateStringsPath => Path.Combine(ConfigDirectory, "localize", "templatestrings.en.json");

    public JsonObject TemplateJson => Read("template.json");

    /// <summary>A configuration file of <c>.template.config/</c>, parsed strictly (no comments, no trailing commas).</summary>
    public JsonObject Read(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(ConfigDirectory, file))) as JsonObject
            ?? throw new InvalidOperationException($"{Name}/.template.config/{file} is not a JSON object.");

    /// <summary>Every symbol of template.json, by name, in the order it declares them.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonObject>> Symbols =>
    [
        .. (TemplateJson["symbols"] as JsonObject ?? new JsonObject())
            .Select(symbol => KeyValuePair.Create(symbol.Key, (JsonObject)symbol.Value!)),
    ];

    /// <summary>The symbols a user sets: <c>"type": "parameter"</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonObject>> Parameters =>
        [.. Symbols.Where(symbol => (string?)symbol.Value["type"] == "parameter")];

    public override string ToString() => Name;
}
