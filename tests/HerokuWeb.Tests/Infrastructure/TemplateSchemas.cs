using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// SchemaStore's schemas for template.json, dotnetcli.host.json and ide.host.json, as committed under
/// <c>tests/HerokuWeb.Tests/Schemas/</c> (Schemas/README.md says where they come from).
/// </summary>
public static class TemplateSchemas
{
    /// <summary>The draft dotnetcli.host.json's schema declares, which JsonSchema.Net does not implement.</summary>
    public const string Draft04 = "http://json-schema.org/draft-04/schema#";

    private static readonly ConcurrentDictionary<string, JsonSchema> Built = new(StringComparer.Ordinal);

    /// <summary>
    /// Draft 4 read as draft 6. The two differ only in keywords that
    /// <c>TemplateConfigTests.The_draft_4_schema_uses_only_keywords_draft_6_reads_the_same_way</c> checks the schema does not use.
    /// </summary>
    private static readonly DialectRegistry Dialects = CreateDialects();

    /// <summary>The schema file, under Schemas/, for a configuration file of <c>.template.config/</c>.</summary>
    public static string PathFor(string configFile) =>
        Path.Combine(Repository.Root, "tests", "HerokuWeb.Tests", "Schemas", Path.GetFileNameWithoutExtension(configFile) + ".schema.json");

    /// <summary>The schema's own JSON, to read what it names.</summary>
    public static JsonObject Text(string configFile) => (JsonObject)JsonNode.Parse(File.ReadAllText(PathFor(configFile)))!;

    public static JsonSchema For(string configFile) => Built.GetOrAdd(configFile, file => JsonSchema.FromText(
        File.ReadAllText(PathFor(file)),
        // A registry of its own: each schema has an $id, which a registry takes once.
        new BuildOptions { DialectRegistry = Dialects, SchemaRegistry = new SchemaRegistry() }));

    /// <summary>Each failed assertion of <paramref name="document"/> against the schema for <paramref name="configFile"/>, "where: what"; none when valid.</summary>
    public static IReadOnlyList<string> Errors(string configFile, JsonNode document)
    {
        using var parsed = JsonDocument.Parse(document.ToJsonString());
        var result = For(configFile).Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }
        // A failed anyOf or oneOf also lists the failures of its other branches: all of them are given,
        // the one that matters among them.
        return [.. (result.Details ?? [])
            .Where(detail => detail.Errors is not null)
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value}"))
            .Distinct(StringComparer.Ordinal)];
    }

    private static DialectRegistry CreateDialects()
    {
        var dialects = new DialectRegistry();
        dialects.Register(Dialect.Draft06.With([], id: new Uri(Draft04)));
        return dialects;
    }
}
