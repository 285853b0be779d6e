using System.Text.Json.Nodes;

namespace Florence2.Tasks;

/// <summary>
/// The post-processed answer of one generation: the typed <see cref="Result"/> plus what is needed to render the Python
/// reference's dictionary (<see cref="ToHfDictionary"/>).
/// </summary>
/// <param name="Task">The task the text was generated for.</param>
/// <param name="Result">The typed answer.</param>
/// <param name="Coordinates">How the coordinates in <see cref="Result"/> were computed.</param>
public sealed record ParsedGeneration(Florence2Task Task, TaskResult Result, CoordinateFormat Coordinates)
{
    /// <summary>
    /// The answer as Microsoft's <c>post_process_generation</c> returns it, e.g.
    /// <c>{"&lt;OD&gt;": {"bboxes": [[…]], "labels": […]}}</c> (spec §10.8).
    /// </summary>
    public JsonObject ToHfDictionary() => HfDictionaryWriter.Write(Task, Result, Coordinates);
}
