using System.Reflection;

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
            options.OperationFilter<JsonBodyOperationFilter>();
        });
        return builder;
    }

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
