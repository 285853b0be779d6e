extern alias JsonSchemaNet;

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using JsonSchemaNet::Json.Schema;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// The service's Swagger document as a contract for its answers: which operation a request reached (path template
/// and method), whether the answer's status and content type are documented there, and whether the body validates
/// against the documented schema. A route the document doesn't know may only be answered 404 (and a known route
/// with another method 405), each with a problem body.
/// </summary>
public sealed class OpenApiContract
{
    private const string ProblemSchema = "#/components/schemas/ProblemDetails";

    private readonly JsonObject _document;
    private readonly IReadOnlyList<(Regex Pattern, string Template, JsonObject Item)> _paths;
    private readonly Dictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    public OpenApiContract(JsonObject document)
    {
        _document = document;
        // Literal templates before parameterised ones, so /v1/tasks never reads as /v1/tasks/{task}'s sibling.
        _paths = document["paths"]!.AsObject()
            .OrderBy(p => p.Key.Contains('{', StringComparison.Ordinal))
            .Select(p => (new Regex("^" + Regex.Replace(Regex.Escape(p.Key), @"\\\{[^/]+?}", "[^/]+") + "$"), p.Key, p.Value!.AsObject()))
            .ToList();
        // Every schema is built here, when the client first hears from the service (its readiness poll), so that
        // checking an answer later costs a test only the evaluation: some tests time their requests (rate limits).
        var bodies = _paths.SelectMany(p => p.Item.Select(o => o.Value?["responses"]).OfType<JsonObject>())
            .SelectMany(responses => responses.Select(r => r.Value?["content"]).OfType<JsonObject>())
            .SelectMany(content => content.Where(c => IsJson(c.Key)).Select(c => c.Value?["schema"]).OfType<JsonNode>())
            .Append(Problem);
        foreach (var schema in bodies)
            _schemas.TryAdd(schema.ToJsonString(), Build(schema));
    }

    private static JsonObject Problem => new() { ["$ref"] = ProblemSchema };

    /// <summary>Why the answer breaks the contract, or null when it keeps it.</summary>
    public string? Violation(string method, string path, int status, string? mediaType, string body)
    {
        string call = $"{method} {path} → {status} {mediaType ?? "(no content type)"}";
        var match = _paths.FirstOrDefault(p => p.Pattern.IsMatch(path));
        if (match.Item is null)
            return status == 404 ? ProblemViolation(call, mediaType, body) : $"{call}: the document has no path for it";
        if (match.Item[method.ToLowerInvariant()] is not JsonObject operation)
            return status == 405 ? ProblemViolation(call, mediaType, body) : $"{call}: {match.Template} documents no {method}";

        var responses = operation["responses"]!.AsObject();
        string code = status.ToString(CultureInfo.InvariantCulture);
        string key = responses.ContainsKey(code) ? code
            : responses.ContainsKey(code[0] + "XX") ? code[0] + "XX"
            : responses.ContainsKey("default") ? "default"
            : "";
        if (key.Length == 0)
            return $"{call}: {method} {match.Template} documents only {string.Join(", ", responses.Select(r => r.Key))}";

        var content = responses[key]!["content"] as JsonObject;
        if (content is null || content.Count == 0)
            return body.Length == 0 ? null : $"{call}: response {key} of {method} {match.Template} documents no body, got {Excerpt(body)}";
        if (mediaType is null || content[mediaType] is not JsonObject media)
            return $"{call}: response {key} of {method} {match.Template} documents {string.Join(", ", content.Select(c => c.Key))}";
        if (media["schema"] is not { } schema || !IsJson(mediaType)) return null;
        return SchemaViolation(call, schema, body);
    }

    private string? ProblemViolation(string call, string? mediaType, string body) =>
        mediaType == "application/problem+json"
            ? SchemaViolation(call, Problem, body)
            : $"{call}: expected an application/problem+json body";

    private string? SchemaViolation(string call, JsonNode schema, string body)
    {
        JsonDocument instance;
        try
        {
            instance = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return $"{call}: the body is not JSON ({ex.Message}): {Excerpt(body)}";
        }
        using (instance)
        {
            var results = _schemas[schema.ToJsonString()].Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (results.IsValid) return null;
            var errors = (results.Details ?? []).Prepend(results)
                .SelectMany(d => (d.Errors ?? new Dictionary<string, string>()).Select(e => $"{d.InstanceLocation} ({e.Key}): {e.Value}"))
                .Distinct().Take(8);
            return $"{call}: the body does not match the documented schema:\n  {string.Join("\n  ", errors)}\nbody: {Excerpt(body)}";
        }
    }

    private JsonSchema Build(JsonNode schema)
    {
        var converted = OpenApiSchemaConversion.ToJsonSchema(schema, _document);
        using var json = JsonDocument.Parse(converted.ToJsonString());
        // A registry of its own: nothing is shared with other tests through the library's global one.
        return JsonSchema.Build(json.RootElement.Clone(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    private static bool IsJson(string mediaType) =>
        mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);

    private static string Excerpt(string body) => body.Length <= 600 ? body : body[..600] + "…";
}
