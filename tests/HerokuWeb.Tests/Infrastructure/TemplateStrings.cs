using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// The localizable strings of a template.json, keyed as the template engine looks them up in
/// <c>.template.config/localize/templatestrings.LANG.json</c> and as Microsoft's <c>LocalizeTemplates</c>
/// task (Microsoft.TemplateEngine.Authoring.Tasks) writes them: <c>author</c>, <c>name</c>, <c>description</c>,
/// <c>symbols/NAME/displayName</c>, <c>symbols/NAME/description</c>,
/// <c>symbols/NAME/choices/CHOICE/displayName</c> and <c>…/description</c>, <c>postActions/ID/description</c>,
/// <c>postActions/ID/manualInstructions/ID/text</c> (<c>default</c> for a post action's only, unnamed,
/// instruction). In template.json's order; one object, indented by two spaces, characters unescaped
/// where JSON allows.
/// </summary>
public static class TemplateStrings
{
    public static IReadOnlyList<KeyValuePair<string, string>> Extract(JsonObject template)
    {
        var strings = new List<KeyValuePair<string, string>>();
        void Add(string key, JsonNode? value)
        {
            if (value?.GetValueKind() == JsonValueKind.String)
            {
                strings.Add(KeyValuePair.Create(key, value.GetValue<string>()));
            }
        }

        foreach (var (property, value) in template)
        {
            switch (property)
            {
                case "author" or "name" or "description":
                    Add(property, value);
                    break;
                case "symbols" when value is JsonObject symbols:
                    foreach (var (symbolName, symbolNode) in symbols)
                    {
                        if (symbolNode is not JsonObject symbol)
                        {
                            continue;
                        }
                        foreach (var (key, field) in symbol)
                        {
                            if (key is "displayName" or "description")
                            {
                                Add($"symbols/{symbolName}/{key}", field);
                            }
                            else if (key == "choices" && field is JsonArray choices)
                            {
                                foreach (var choice in choices.OfType<JsonObject>())
                                {
                                    var choiceName = (string?)choice["choice"]
                                        ?? throw new InvalidOperationException($"A choice of symbol {symbolName} has no \"choice\".");
                                    foreach (var (choiceKey, choiceField) in choice)
                                    {
                                        if (choiceKey is "displayName" or "description")
                                        {
                                            Add($"symbols/{symbolName}/choices/{choiceName}/{choiceKey}", choiceField);
                                        }
                                    }
                                }
                            }
                        }
                    }
                    break;
                case "postActions" when value is JsonArray actions:
                    foreach (var action in actions.OfType<JsonObject>())
                    {
                        var id = (string?)action["id"]
                            ?? throw new InvalidOperationException($"A post action ({action["actionId"]}) has no \"id\": its strings cannot be localized.");
                        foreach (var (key, field) in action)
                        {
                            if (key == "description")
                            {
                                Add($"postActions/{id}/description", field);
                            }
                            else if (key == "manualInstructions" && field is JsonArray instructions)
                            {
                                foreach (var instruction in instructions.OfType<JsonObject>())
                                {
                                    var instructionId = (string?)instruction["id"]
                                        ?? (instructions.Count == 1 ? "default"
                                            : throw new InvalidOperationException($"Post action {id} has several manual instructions, one without \"id\": it cannot be localized."));
                                    Add($"postActions/{id}/manualInstructions/{instructionId}/text", instruction["text"]);
                                }
                            }
                        }
                    }
                    break;
            }
        }

        var duplicate = strings.GroupBy(pair => pair.Key, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        return duplicate is null ? strings : throw new InvalidOperationException($"Two strings have the key {duplicate.Key}.");
    }

    /// <summary>The file's text, ending with a newline.</summary>
    public static string Write(IEnumerable<KeyValuePair<string, string>> strings)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in strings)
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
