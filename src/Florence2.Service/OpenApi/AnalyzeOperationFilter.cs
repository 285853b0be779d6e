using System.Globalization;
using System.Text.Json.Nodes;
using Florence2.Service.Configuration;
using Florence2.Service.Contracts;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Florence2.Service.OpenApi;

/// <summary>
/// POST /v1/analyze's body and headers: the form with examples Swagger UI can send as they stand, the JSON body whose
/// <c>tasks</c> items are a task name or an <see cref="AnalyzeTaskItem"/>, and the queue deadline header.
/// </summary>
internal sealed class AnalyzeOperationFilter(IOptions<LimitsOptions> limits) : IOperationFilter
{
    private const string Multipart = "multipart/form-data";

    /// <summary>Whether the operation is POST /v1/analyze (the task filters leave it to this one).</summary>
    public static bool IsAnalyze(OperationFilterContext context) =>
        string.Equals(context.ApiDescription.RelativePath?.TrimStart('/'), "v1/analyze", StringComparison.OrdinalIgnoreCase);

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!IsAnalyze(context) || operation.RequestBody is not OpenApiRequestBody body || body.Content is null) return;
        body.Required = true;
        body.Description = "The image(s), the tasks and the settings for every task, as multipart/form-data (file upload, one `tasks` " +
            "field per task) or application/json (base64).";

        if (body.Content.TryGetValue(Multipart, out var form) && form is OpenApiMediaType formMedia
            && FormSchema(formMedia, context) is { Properties: { } properties } formSchema)
        {
            formSchema.Required = new HashSet<string> { "image", "tasks" };
            if (properties.TryGetValue("tasks", out var tasks) && tasks is OpenApiSchema tasksSchema)
            {
                tasksSchema.MinItems = 1;
                tasksSchema.MaxItems = limits.Value.MaxTasksPerRequest;
                tasksSchema.Examples = [new JsonArray("od", "caption")];
            }
            var examples = new (string, JsonNode)[]
            {
                ("num_beams", Math.Min(TaskRequestExamples.NumBeams, limits.Value.MaxNumBeams)), ("max_new_tokens", limits.Value.MaxNewTokens),
                ("mask_format", ""), ("min_score", 0), ("logprobs", false),
            };
            foreach (var (name, example) in examples)
                if (properties.TryGetValue(name, out var property) && property is OpenApiSchema schema) schema.Examples = [example];
            if (properties.TryGetValue("num_beams", out var beams) && beams is OpenApiSchema beamsSchema)
                (beamsSchema.Minimum, beamsSchema.Maximum) = ("1", limits.Value.MaxNumBeams.ToString(CultureInfo.InvariantCulture));
            if (properties.TryGetValue("max_new_tokens", out var budget) && budget is OpenApiSchema budgetSchema)
                (budgetSchema.Minimum, budgetSchema.Maximum) = ("1", limits.Value.MaxNewTokens.ToString(CultureInfo.InvariantCulture));
        }
        var json = context.SchemaGenerator.GenerateSchema(typeof(AnalyzeRequestJson), context.SchemaRepository);
        var item = context.SchemaGenerator.GenerateSchema(typeof(AnalyzeTaskItem), context.SchemaRepository);
        if (context.SchemaRepository.Schemas.TryGetValue(nameof(AnalyzeRequestJson), out var shared) && shared is OpenApiSchema jsonSchema
            && jsonSchema.Properties?.TryGetValue("tasks", out var taskList) == true && taskList is OpenApiSchema taskListSchema)
        {
            taskListSchema.MinItems = 1;
            taskListSchema.MaxItems = limits.Value.MaxTasksPerRequest;
            taskListSchema.Items = new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.String }, item] };
        }
        body.Content["application/json"] = new OpenApiMediaType
        {
            Schema = json,
            Example = new JsonObject
            {
                ["image"] = TaskRequestExamples.PngBase64,
                ["tasks"] = new JsonArray("od", "caption", new JsonObject { ["task"] = "phrase_grounding", ["text"] = TaskRequestExamples.Text }),
            },
        };

        operation.Parameters ??= [];
        operation.Parameters.Add(TaskResponseOperationFilter.TimeoutHeader());
    }

    /// <summary>The form's schema: inline, or the <see cref="AnalyzeRequestForm"/> component it refers to (used by this operation only).</summary>
    private static OpenApiSchema? FormSchema(OpenApiMediaType media, OperationFilterContext context)
    {
        if (media.Schema is OpenApiSchema inline && inline.Properties is { Count: > 0 }) return inline;
        context.SchemaGenerator.GenerateSchema(typeof(AnalyzeRequestForm), context.SchemaRepository);
        return context.SchemaRepository.Schemas.TryGetValue(nameof(AnalyzeRequestForm), out var shared) ? shared as OpenApiSchema : null;
    }
}
