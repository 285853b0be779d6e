using System.Text.Json.Nodes;
using Florence2.Service.Api.Contracts;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Florence2.Service.OpenApi;

/// <summary>
/// Task endpoints take the same fields as multipart/form-data (a file part, which Swagger UI can upload) or as
/// application/json (base64); this gives the JSON variant its own schema and an example.
/// </summary>
internal sealed class JsonBodyOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.RequestBody is not OpenApiRequestBody body || body.Content is null) return;
        if (!body.Content.ContainsKey("multipart/form-data")) return;
        body.Required = true;
        body.Description = "The image(s) and task fields, as multipart/form-data (file upload) or application/json (base64).";
        body.Content["application/json"] = new OpenApiMediaType
        {
            Schema = context.SchemaGenerator.GenerateSchema(typeof(TaskRequestJson), context.SchemaRepository),
            Example = new JsonObject
            {
                ["image"] = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC",
                ["task"] = "od",
                ["num_beams"] = 3,
                ["max_new_tokens"] = 256,
            },
        };
    }
}
