using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Florence2.Service.Contracts;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Florence2.Service.OpenApi;

/// <summary>
/// Makes the service's own schemas say what the JSON always holds: a member that is never null is always written
/// (null members are omitted), so it is <c>required</c>; <see cref="TaskResponse.Hf"/> gets an example of the
/// Hugging Face dictionary it carries; and request bodies list the image and inputs before the
/// <see cref="TaskSettings"/> (Swashbuckle puts a base class's properties first), as a form is filled in.
/// </summary>
internal sealed class ContractSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema own || own.Properties is not { Count: > 0 } properties) return;
        if (context.Type.Namespace?.StartsWith("Florence2", StringComparison.Ordinal) != true) return;

        own.Required ??= new HashSet<string>();
        foreach (var (name, property) in properties)
            if ((property is OpenApiSchemaReference && !IsNullable(context.Type, name))
                || (property.Type is { } type && !type.HasFlag(JsonSchemaType.Null)))
                own.Required.Add(name);

        if (properties.TryGetValue(Serving.RequestFields.MaskFormat, out var maskFormat) && maskFormat is OpenApiSchema maskSchema)
            maskSchema.Enum = [.. Tasks.MaskFormats.Names.Select(name => (JsonNode)JsonValue.Create(name))];

        if (context.Type.IsSubclassOf(typeof(TaskSettings)))
            own.Properties = SettingsLast(properties);

        if (context.Type == typeof(TaskResponse) && properties.TryGetValue("hf", out var hf) && hf is OpenApiSchema hfSchema)
            hfSchema.Examples = [new JsonObject
            {
                ["<OD>"] = new JsonObject
                {
                    ["bboxes"] = new JsonArray(new JsonArray(34.56, 160.32, 597.44, 371.76)),
                    ["labels"] = new JsonArray("car"),
                },
            }];
    }

    private static Dictionary<string, IOpenApiSchema> SettingsLast(IDictionary<string, IOpenApiSchema> properties)
    {
        var settings = typeof(TaskSettings).GetProperties().Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)).ToHashSet();
        return properties.OrderBy(p => settings.Contains(p.Key)).ToDictionary();   // a stable sort: each group keeps its order
    }

    /// <summary>
    /// A member whose C# type admits null (<c>CocoRle?</c>, <c>BoundingBox?</c>) is left out when null, so its
    /// reference is optional even though the reference itself does not say so.
    /// </summary>
    private static bool IsNullable(Type type, string jsonName)
    {
        var property = type.GetProperties().FirstOrDefault(p =>
            (p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)) == jsonName);
        if (property is null) return false;
        return Nullable.GetUnderlyingType(property.PropertyType) is not null
            || new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;
    }
}
