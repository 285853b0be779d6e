using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Florence2.Service.OpenApi;

/// <summary>
/// The problem details this service writes (RFC 9457 plus <c>traceId</c> and <c>field</c>, see
/// <c>Api/Problems</c>), instead of the generated schema of <see cref="ProblemDetails"/>, which leaves the extensions
/// to an open <c>additionalProperties</c> that Swagger UI shows as <c>additionalProp1</c>.
/// </summary>
internal sealed class ProblemDetailsSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.Type != typeof(ProblemDetails) || schema is not OpenApiSchema problem) return;
        problem.Description = "RFC 9457 problem details, as application/problem+json.";
        problem.Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("A URI naming the kind of problem (the RFC 9110 section of the status)."),
            ["title"] = Text("Short summary of the problem, the same for every occurrence of its kind."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = Text("What went wrong with this request and how to fix it."),
            ["instance"] = Text("A URI identifying this occurrence, when one is given."),
            ["traceId"] = Text("The W3C trace id of the request; the service's logs and traces carry it too."),
            ["field"] = Text("The request field or header at fault (`image`, `task`, `text`, `region`, …), when there is one."),
        };
        problem.Required = new HashSet<string> { "type", "title", "status", "detail", "traceId" };
        problem.AdditionalPropertiesAllowed = false;
        problem.AdditionalProperties = null;
        problem.Examples = [new JsonObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            ["title"] = "Invalid request",
            ["status"] = 400,
            ["detail"] = "Task 'od' takes no text; it takes no input besides the image.",
            ["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736",
            ["field"] = "text",
        }];
    }

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
}
