using System.Globalization;
using Florence2.Service.Contracts;
using Florence2.Service.Problems;
using Florence2.Service.Security;
using Florence2.Tasks;

namespace Florence2.Service.Api;

/// <summary>
/// The task endpoints: one route group per family (<c>/v1/detect</c>, <c>/v1/caption</c>, <c>/v1/ocr</c>,
/// <c>/v1/segment</c>), <c>/v1/tasks/{task}</c> for any task, and <c>GET /v1/tasks</c>.
/// </summary>
public static class TaskEndpoints
{
    public static IEndpointRouteBuilder MapDetectApi(this IEndpointRouteBuilder app) =>
        app.MapFamily(TaskFamily.Detect, "Detect objects, regions and phrases");

    public static IEndpointRouteBuilder MapCaptionApi(this IEndpointRouteBuilder app) =>
        app.MapFamily(TaskFamily.Caption, "Describe the image or a region of it");

    public static IEndpointRouteBuilder MapOcrApi(this IEndpointRouteBuilder app) =>
        app.MapFamily(TaskFamily.Ocr, "Read text, optionally with its quadrilaterals");

    public static IEndpointRouteBuilder MapSegmentApi(this IEndpointRouteBuilder app) =>
        app.MapFamily(TaskFamily.Segment, "Segment an object as polygons");

    /// <summary><c>GET /v1/tasks</c> and <c>POST /v1/tasks/{task}</c>.</summary>
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/tasks").WithTags("Tasks").AddEndpointFilter<ApiKeyFilter>()
            .RequireRateLimiting(SecurityRegistration.RateLimitPolicy);
        group.MapGet("", () => TypedResults.Ok(new TaskList(TaskCatalog.All.Select(Describe).ToList())))
            .WithName("ListTasks")
            .WithSummary("List the tasks")
            .WithDescription("Every Florence-2 task with its token, family, endpoint, what it needs besides the image, and the mask formats it offers.");
        group.MapPost("/{task}", (HttpContext context, string task, TaskRequestHandler handler) => handler.HandleByPathAsync(context, task))
            .WithRequestDocs("RunTask", "Run any task",
                "Runs the task named in the path (friendly name such as `od` or token such as `<OD>`; 404 if unknown). " + TaskTable(null))
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Registers what the task endpoints resolve per request.</summary>
    public static WebApplicationBuilder AddFlorence2TaskApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Drawing.ResultPainter>();
        builder.Services.AddSingleton<Calls.CallRunner>();
        builder.Services.AddScoped<TaskRequestHandler>();
        builder.Services.AddScoped<AnalyzeRequestHandler>();
        return builder;
    }

    public static TaskDescription Describe(Florence2Task task) => new(task.Name, task.Token, TaskCatalog.FamilyName(task.Family),
        TaskCatalog.RouteOf(task.Family), task.InputKind.ToString().ToLowerInvariant(), task.Description,
        MaskFormats.AppliesTo(task) ? MaskFormats.Names : []);

    private static IEndpointRouteBuilder MapFamily(this IEndpointRouteBuilder app, TaskFamily family, string summary)
    {
        string name = TaskCatalog.FamilyName(family);
        var defaultTask = TaskCatalog.DefaultOf(family);
        var group = app.MapGroup(TaskCatalog.RouteOf(family)).WithTags(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(name))
            .AddEndpointFilter<ApiKeyFilter>().RequireRateLimiting(SecurityRegistration.RateLimitPolicy);
        group.MapPost("", (HttpContext context, TaskRequestHandler handler) => handler.HandleAsync(context, family))
            .WithRequestDocs(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(name), summary,
                $"Default task: `{defaultTask.Name}`. " + TaskTable(family))
            .WithMetadata(new DefaultTaskMetadata(defaultTask));
        return app;
    }

    private static RouteHandlerBuilder WithRequestDocs(this RouteHandlerBuilder builder, string name, string summary, string description) =>
        builder.WithName(name)
            .WithSummary(summary)
            .WithDescription(description)
            .Accepts<TaskRequestForm>("multipart/form-data", "application/json")
            .Produces<TaskResponse>(StatusCodes.Status200OK)
            .Produces<MultiTaskResponse>(StatusCodes.Status200OK)
            .ProducesInferenceProblems(notAcceptable: true)
            .DisableAntiforgery();

    private static string TaskTable(TaskFamily? family)
    {
        var rows = TaskCatalog.All.Where(t => family is null || t.Family == family)
            .Select(t => $"| `{t.Name}` | `{t.Token}` | {t.InputKind.ToString().ToLowerInvariant()} | {t.Description} |");
        return "\n\n| task | token | input | returns |\n|---|---|---|---|\n" + string.Join("\n", rows) +
            "\n\nSend `multipart/form-data` with an `image` file part (repeat it for several images) and the fields, or " +
            "`application/json` with `image` (base64) or `images` and the same fields. Header `X-Request-Timeout-Ms` shortens the queue deadline. " +
            "With `Accept: image/png` (or `image/jpeg`, `image/webp`) and one image, the answer is that image, same size, with the result drawn on it.";
    }
}
