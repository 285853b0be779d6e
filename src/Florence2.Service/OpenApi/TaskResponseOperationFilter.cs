using Florence2.Service.Api;
using Florence2.Service.Contracts;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Florence2.Service.OpenApi;

/// <summary>
/// What a task operation answers besides its body fields: the 200 is one of two shapes (one image → the bare
/// <see cref="TaskResponse"/>, several → <see cref="MultiTaskResponse"/>; the endpoint metadata can only say one per
/// status), and the <c>X-Request-Timeout-Ms</c> header it reads.
/// </summary>
internal sealed class TaskResponseOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!IsTaskOperation(context)) return;

        operation.Responses ??= new OpenApiResponses();
        operation.Responses["200"] = new OpenApiResponse
        {
            Description = "One image: the `TaskResponse` itself. Several images (the `image` part repeated, or `images` in JSON): " +
                "a `MultiTaskResponse` whose `results` are in the order the images were sent. With `Accept: image/png`, `image/jpeg` " +
                "or `image/webp` (one image only; several are a 406): the image as sent, same size, with the answer drawn on it " +
                "(boxes, quadrilaterals and translucent polygons in one colour per label, with labels and scores; text in a banner).",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema
                    {
                        OneOf =
                        [
                            context.SchemaGenerator.GenerateSchema(typeof(TaskResponse), context.SchemaRepository),
                            context.SchemaGenerator.GenerateSchema(typeof(MultiTaskResponse), context.SchemaRepository),
                        ],
                    },
                },
                ["image/png"] = AnnotatedImage(),
                ["image/jpeg"] = AnnotatedImage(),
                ["image/webp"] = AnnotatedImage(),
            },
        };

        operation.Parameters ??= [];
        operation.Parameters.Add(TimeoutHeader());
    }

    /// <summary>The <c>X-Request-Timeout-Ms</c> header every operation that queues work reads.</summary>
    internal static OpenApiParameter TimeoutHeader() => new()
    {
        Name = TaskRequestHandler.TimeoutHeader,
        In = ParameterLocation.Header,
        Required = false,
        Description = "Queue deadline for this request in milliseconds, a positive integer (anything else is 400): a request " +
            "still queued after it is answered 504 and never runs. It can only shorten the service's own deadline; a longer one is capped.",
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" },
    };

    private static OpenApiMediaType AnnotatedImage() => new()
    {
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
    };

    /// <summary>The operations that run a task: those taking the task request body.</summary>
    private static bool IsTaskOperation(OperationFilterContext context) =>
        context.ApiDescription.SupportedRequestFormats.Any(f => f.MediaType == "multipart/form-data") && !AnalyzeOperationFilter.IsAnalyze(context);
}
