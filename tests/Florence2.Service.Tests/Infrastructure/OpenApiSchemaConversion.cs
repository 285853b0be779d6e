using System.Text.Json.Nodes;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// OpenAPI schema objects as JSON Schema 2020-12, which a validator understands. OpenAPI 3.1 schemas already are
/// 2020-12 and only need their references moved; 3.0 ones differ: <c>nullable: true</c> adds null to the allowed
/// values, siblings of a <c>$ref</c> are ignored, <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c> are booleans
/// beside <c>minimum</c>/<c>maximum</c>, and <c>example</c>, <c>discriminator</c>, <c>xml</c>, <c>externalDocs</c>
/// and <c>x-</c> extensions are OpenAPI's own words.
/// </summary>
public static class OpenApiSchemaConversion
{
    private const string ComponentsPrefix = "#/components/schemas/";
    private const string DefsPrefix = "#/$defs/";

    /// <summary>
    /// A self-contained JSON Schema for <paramref name="schema"/>: the converted schema with every component schema
    /// of <paramref name="document"/> under <c>$defs</c>, where its rewritten <c>$ref</c>s point.
    /// </summary>
    public static JsonObject ToJsonSchema(JsonNode schema, JsonObject document)
    {
        string version = (string?)document["openapi"] ?? "";
        bool openApi30 = version.StartsWith("3.0.", StringComparison.Ordinal);
        if (!openApi30 && !version.StartsWith("3.1.", StringComparison.Ordinal))
            throw new NotSupportedException($"OpenAPI {version}: only 3.0.x and 3.1.x schemas are converted.");

        var defs = new JsonObject();
        foreach (var (name, component) in document["components"]?["schemas"]?.AsObject() ?? [])
            defs[name] = Convert(component!, openApi30);
        var root = Convert(schema, openApi30) as JsonObject ?? throw new InvalidOperationException("A schema must be an object here.");
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = defs;
        return root;
    }

    private static JsonNode Convert(JsonNode node, bool openApi30)
    {
        if (node is not JsonObject schema) return node.DeepClone();   // true / false schemas
        if (openApi30 && (string?)schema["$ref"] is { } onlyReference)
            return new JsonObject { ["$ref"] = Reference(onlyReference) };

        var result = new JsonObject();
        foreach (var (key, value) in schema)
        {
            if (value is null) continue;
            switch (key)
            {
                case "$ref":
                    result[key] = Reference((string)value!);
                    break;
                case "properties" or "patternProperties" or "$defs" or "dependentSchemas":
                    var map = new JsonObject();
                    foreach (var (name, sub) in value.AsObject()) map[name] = Convert(sub!, openApi30);
                    result[key] = map;
                    break;
                case "allOf" or "anyOf" or "oneOf" or "prefixItems":
                    result[key] = new JsonArray(value.AsArray().Select(sub => (JsonNode?)Convert(sub!, openApi30)).ToArray());
                    break;
                case "items" or "additionalProperties" or "not" or "contains" or "propertyNames" or "if" or "then" or "else"
                    or "unevaluatedProperties" or "unevaluatedItems":
                    result[key] = Convert(value, openApi30);
                    break;
                case "discriminator" or "xml" or "externalDocs":
                    break;
                case "nullable" or "example" or "exclusiveMinimum" or "exclusiveMaximum" when openApi30:
                    break;
                default:
                    if (!key.StartsWith("x-", StringComparison.Ordinal)) result[key] = value.DeepClone();
                    break;
            }
        }
        if (!openApi30) return result;

        foreach (var (exclusive, bound) in new[] { ("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum") })
            if (schema[exclusive] is JsonValue flag && flag.GetValue<bool>() && result.Remove(bound, out var limit))
                result[exclusive] = limit;
        return schema["nullable"] is JsonValue nullable && nullable.GetValue<bool>()
            ? new JsonObject { ["anyOf"] = new JsonArray(result, new JsonObject { ["type"] = "null" }) }
            : result;
    }

    private static string Reference(string reference) =>
        reference.StartsWith(ComponentsPrefix, StringComparison.Ordinal)
            ? DefsPrefix + reference[ComponentsPrefix.Length..]
            : throw new NotSupportedException($"Reference '{reference}': only component schemas are referenced here.");
}
