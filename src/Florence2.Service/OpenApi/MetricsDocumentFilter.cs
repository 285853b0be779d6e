using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Florence2.Service.OpenApi;

/// <summary>
/// <c>GET /metrics</c> is the OpenTelemetry Prometheus exporter's endpoint, which the API explorer does not see; the
/// document lists it so that every route the service answers on is described.
/// </summary>
internal sealed class MetricsDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var text = new OpenApiSchema { Type = JsonSchemaType.String };
        document.Paths ??= new OpenApiPaths();
        document.Paths["/metrics"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = "Metrics",
                    Summary = "Prometheus metrics",
                    Description = "Request counts and latencies, queue and batch figures, in the Prometheus text format " +
                        "(OpenMetrics when the Accept header asks for it). Open like the health endpoints.",
                    Tags = new HashSet<OpenApiTagReference> { new("Observability", document) },
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse
                        {
                            Description = "OK",
                            Content = new Dictionary<string, IOpenApiMediaType>
                            {
                                ["text/plain"] = new OpenApiMediaType { Schema = text },
                                ["application/openmetrics-text"] = new OpenApiMediaType { Schema = text },
                            },
                        },
                    },
                },
            },
        };
        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = "Observability" });
    }
}
