using System.Globalization;
using System.Text.Json.Nodes;
using Florence2.Service.Contracts;
using Florence2.Service.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Florence2.Service.OpenApi;

/// <summary>
/// Task endpoints take the same fields as multipart/form-data (a file part, which Swagger UI can upload) or as
/// application/json (base64). Each operation gets its own copy of the form schema and its own JSON example, because
/// a value valid on one endpoint (<c>task=od</c>) is refused by another (<c>/v1/caption</c>): Swagger UI pre-fills
/// every form field from its example, and sends whatever is pre-filled. <c>/v1/tasks/{task}</c>'s path gets an
/// example too (Swagger UI won't execute with a required path parameter empty).
/// </summary>
internal sealed class TaskRequestOperationFilter(IOptions<LimitsOptions> limits) : IOperationFilter
{
    private readonly LimitsOptions _limits = limits.Value;

    private const string Multipart = "multipart/form-data";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.RequestBody is not OpenApiRequestBody body || body.Content is null || AnalyzeOperationFilter.IsAnalyze(context)) return;
        if (!body.Content.TryGetValue(Multipart, out var form) || form is not OpenApiMediaType formMedia) return;
        var task = TaskRequestExamples.ExampleTaskOf(context);
        var defaultTask = TaskRequestExamples.DefaultTaskOf(context);
        string? text = task is null ? null : TaskRequestExamples.TextFor(task);

        if (TaskRequestExamples.TakesTaskInPath(context) && operation.Parameters?.FirstOrDefault(p => p.Name == "task") is OpenApiParameter path)
            path.Example = TaskRequestExamples.PathTask.Name;

        body.Required = true;
        body.Description = "The image(s) and task fields, as multipart/form-data (file upload) or application/json (base64). " +
            "In Swagger UI, pick the content type before pressing Try it out: switched afterwards, the form's fields go out as the JSON.";
        formMedia.Schema = FormFor(context, defaultTask?.Name, text);

        var json = new JsonObject { ["image"] = TaskRequestExamples.PngBase64 };
        if (defaultTask is not null) json["task"] = defaultTask.Name;
        if (text is not null) json["text"] = text;
        body.Content["application/json"] = new OpenApiMediaType
        {
            Schema = context.SchemaGenerator.GenerateSchema(typeof(TaskRequestJson), context.SchemaRepository),
            Example = json,
        };
    }

    /// <summary>
    /// A copy of <see cref="TaskRequestForm"/>'s schema whose examples fit this operation and this deployment's limits.
    /// Swagger UI pre-fills a field from its example, or else from a made-up sample (<c>string</c>, <c>0</c>, and a
    /// <c>null</c> example shows as the text <c>null</c>). So a string the operation's example doesn't use gets the
    /// example <c>""</c> (an empty field, which the page's request interceptor leaves out: see OpenApiRegistration),
    /// and the numbers get their defaults.
    /// </summary>
    private OpenApiSchema FormFor(OperationFilterContext context, string? task, string? text)
    {
        context.SchemaGenerator.GenerateSchema(typeof(TaskRequestForm), context.SchemaRepository);
        var shared = context.SchemaRepository.Schemas[nameof(TaskRequestForm)];
        var form = (OpenApiSchema)shared.CreateShallowCopy();
        form.Properties = new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, property) in shared.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            var copy = (OpenApiSchema)property.CreateShallowCopy();
            switch (name)
            {
                case "task":
                    copy.Examples = [task ?? ""];
                    if (task is not null) copy.Default = task;
                    break;
                case "text":
                    copy.Examples = [text ?? ""];
                    break;
                case "region":
                    copy.Examples = [""];
                    break;
                case "num_beams":
                    Bound(copy, _limits.MaxNumBeams, Math.Min(TaskRequestExamples.NumBeams, _limits.MaxNumBeams));
                    break;
                case "max_new_tokens":
                    Bound(copy, _limits.MaxNewTokens, _limits.MaxNewTokens);
                    break;
                case "min_score":
                    copy.Minimum = "0";
                    copy.Maximum = "1";
                    copy.Examples = [0];
                    break;
                case "logprobs":
                    copy.Examples = [false];
                    break;
            }
            form.Properties[name] = copy;
        }
        return form;
    }

    private static void Bound(OpenApiSchema schema, int maximum, int example)
    {
        schema.Minimum = "1";
        schema.Maximum = maximum.ToString(CultureInfo.InvariantCulture);
        schema.Examples = [example];
    }
}
