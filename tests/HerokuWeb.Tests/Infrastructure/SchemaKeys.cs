using System.Text.Json;
using System.Text.Json.Nodes;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// The keys of a JSON document that its schema names nowhere, spelled exactly as the schema spells them.
/// SchemaStore's template schemas leave objects open (no <c>additionalProperties: false</c>), so a
/// misspelled or invented key passes them; the template engine then ignores it, or (its lookups ignore
/// case) reads a key the schema, and so the validation, never sees.
/// </summary>
/// <remarks>
/// At each object of the document, the keys it may have are those that any schema applying there names in
/// <c>properties</c>, following <c>$ref</c>, <c>allOf</c>, <c>anyOf</c> and <c>oneOf</c> (so a key of any
/// branch counts). An object the schema describes with <c>additionalProperties</c> or <c>patternProperties</c>
/// (a map, such as <c>symbols</c>), or names no property of, is not checked; its values are.
/// </remarks>
public sealed class SchemaKeys(JsonObject schema)
{
    /// <summary>Each key of <paramref name="document"/> that the schema does not name, as a JSON pointer.</summary>
    public IEnumerable<string> Unknown(JsonNode document) => Walk(document, [schema], "");

    private IEnumerable<string> Walk(JsonNode? node, IReadOnlyList<JsonObject> schemas, string path)
    {
        var applying = schemas.SelectMany(Expand).Distinct().ToList();
        if (node is JsonObject value)
        {
            var named = applying.Select(candidate => candidate["properties"]).OfType<JsonObject>()
                .SelectMany(properties => properties.Select(property => property.Key))
                .ToHashSet(StringComparer.Ordinal);
            var additional = applying.Select(candidate => candidate["additionalProperties"]).OfType<JsonObject>().ToList();
            var open = additional.Count > 0
                || applying.Any(candidate => candidate["patternProperties"] is not null
                    || candidate["additionalProperties"]?.GetValueKind() == JsonValueKind.True);
            foreach (var (key, child) in value)
            {
                var childSchemas = applying.Select(candidate => candidate["properties"]?[key]).OfType<JsonObject>().ToList();
                if (childSchemas.Count == 0)
                {
                    if (!open && named.Count > 0)
                    {
                        yield return $"{path}/{key}";
                        continue;
                    }
                    childSchemas = additional;
                }
                foreach (var unknown in Walk(child, childSchemas, $"{path}/{key}"))
                {
                    yield return unknown;
                }
            }
        }
        else if (node is JsonArray array)
        {
            var items = applying.Select(candidate => candidate["items"]).OfType<JsonObject>().ToList();
            for (var index = 0; index < array.Count; index++)
            {
                foreach (var unknown in Walk(array[index], items, $"{path}/{index}"))
                {
                    yield return unknown;
                }
            }
        }
    }

    /// <summary>The schema and every schema it brings in at the same place of the document.</summary>
    private IEnumerable<JsonObject> Expand(JsonObject start)
    {
        var seen = new HashSet<JsonObject>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<JsonObject>([start]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }
            yield return current;
            if (current["$ref"]?.GetValue<string>() is { } reference)
            {
                pending.Push(Resolve(reference));
            }
            foreach (var combinator in (string[])["allOf", "anyOf", "oneOf"])
            {
                foreach (var branch in (current[combinator] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
                {
                    pending.Push(branch);
                }
            }
        }
    }

    private JsonObject Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"Only references inside the schema are followed, not {reference}.");
        }
        JsonNode? target = schema;
        foreach (var segment in reference[2..].Split('/'))
        {
            target = target?[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }
        return target as JsonObject ?? throw new InvalidOperationException($"{reference} names no schema.");
    }
}
