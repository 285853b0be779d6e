using Florence2.Service.Api;
using Florence2.Tasks;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Florence2.Service.OpenApi;

/// <summary>
/// The request values each task operation's examples show. Swagger UI pre-fills "Try it out" from them, so they must
/// be a request that operation accepts as it stands: the endpoint's own default task, and an input only when that
/// task takes one.
/// </summary>
internal static class TaskRequestExamples
{
    /// <summary>A 1×1 PNG, small enough to sit in the JSON example and decodable by the service's image reader.</summary>
    public const string PngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

    /// <summary>Text for tasks that take one (phrase grounding, open-vocabulary detection, referring expression segmentation).</summary>
    public const string Text = "a green car";

    /// <summary>Beams the examples show: Florence-2's generation_config.json default, so the example changes nothing.</summary>
    public const int NumBeams = 3;

    /// <summary>What <c>/v1/tasks/{task}</c>'s path shows: a task that needs nothing besides the image.</summary>
    public static Florence2Task PathTask => TaskCatalog.Caption;

    /// <summary>The default task of a family endpoint (from its <see cref="DefaultTaskMetadata"/>), if it is one.</summary>
    public static Florence2Task? DefaultTaskOf(OperationFilterContext context) =>
        context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<DefaultTaskMetadata>().FirstOrDefault()?.Task;

    /// <summary>Whether the operation names its task in the path (<c>/v1/tasks/{task}</c>).</summary>
    public static bool TakesTaskInPath(OperationFilterContext context) =>
        context.ApiDescription.ParameterDescriptions.Any(p => p.Name == "task" && p.Source.Id == "Path");

    /// <summary>
    /// The task the operation's examples run: the family's default, or the path example; null for other operations.
    /// </summary>
    public static Florence2Task? ExampleTaskOf(OperationFilterContext context) =>
        DefaultTaskOf(context) ?? (TakesTaskInPath(context) ? PathTask : null);

    /// <summary>The text example when the task takes text; region tasks are never an operation's example task.</summary>
    public static string? TextFor(Florence2Task task) => task.InputKind == TaskInputKind.Text ? Text : null;
}
