using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Florence2.Service.OpenApi;

/// <summary>Swagger document at <c>/swagger/v1/swagger.json</c> and Swagger UI at <c>/swagger</c>.</summary>
public static class OpenApiRegistration
{
    public static WebApplicationBuilder AddFlorence2OpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new()
            {
                Title = "Florence2Service",
                Version = "v1",
                Description = "Microsoft Florence-2 as a REST service: detection, captioning, OCR, segmentation, grounding and region tasks. " +
                    "Coordinates are pixels of the image you send. Each response also carries the Hugging Face `post_process_generation` dictionary (`hf`).",
            });
            string xml = Path.Combine(AppContext.BaseDirectory, Assembly.GetExecutingAssembly().GetName().Name + ".xml");
            if (File.Exists(xml)) options.IncludeXmlComments(xml, includeControllerXmlComments: true);
            string coreXml = Path.Combine(AppContext.BaseDirectory, "Florence2.Core.xml");
            if (File.Exists(coreXml)) options.IncludeXmlComments(coreXml);
            options.SupportNonNullableReferenceTypes();
            options.MapType<JsonObject>(FreeFormObject);
            options.AddSecurityDefinition(ApiGroupOperationFilter.ApiKeyScheme, ApiGroupOperationFilter.CreateApiKeyScheme());
            options.SchemaFilter<ProblemDetailsSchemaFilter>();
            options.SchemaFilter<ContractSchemaFilter>();
            options.OperationFilter<TaskRequestOperationFilter>();
            options.OperationFilter<TaskResponseOperationFilter>();
            options.OperationFilter<AnalyzeOperationFilter>();
            options.OperationFilter<ApiGroupOperationFilter>();
            options.DocumentFilter<MetricsDocumentFilter>();
        });
        return builder;
    }

    /// <summary>
    /// The schema of <see cref="JsonObject"/> members (the <c>hf</c> dictionary): free-form JSON on the wire. Left to the
    /// generator it would document JsonNode's .NET properties (options, parent, root). The writer leaves an allowed
    /// <c>additionalProperties</c> out (true is the default), so the keyword goes out through the writer's
    /// verbatim extension map to say so outright.
    /// </summary>
    private static OpenApiSchema FreeFormObject() => new()
    {
        Type = JsonSchemaType.Object,
        AdditionalPropertiesAllowed = true,
        Extensions = new Dictionary<string, IOpenApiExtension> { ["additionalProperties"] = new JsonNodeExtension(true) },
    };

    public static WebApplication UseFlorence2OpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/swagger/v1/swagger.json", "Florence2Service v1");
            options.RoutePrefix = "swagger";
            options.DocumentTitle = "Florence2Service";
        });
        return app;
    }
}
