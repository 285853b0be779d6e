namespace Florence2.Service.Contracts;

/// <summary>A task the service can run.</summary>
/// <param name="Name">Friendly name, usable in the <c>task</c> field and in <c>/v1/tasks/{task}</c>.</param>
/// <param name="Token">Florence-2 task token (also accepted wherever a name is).</param>
/// <param name="Family">detect, caption, ocr or segment.</param>
/// <param name="Endpoint">The family endpoint that runs it.</param>
/// <param name="Input">none, text or region: what the task needs besides the image.</param>
/// <param name="Description">What it returns.</param>
/// <param name="MaskFormats">
/// The values of <c>mask_format</c> that change this task's answer (polygon, rle, png); empty when the task answers
/// no polygons, where only the default is accepted.
/// </param>
public sealed record TaskDescription(string Name, string Token, string Family, string Endpoint, string Input, string Description,
    IReadOnlyList<string> MaskFormats);

/// <summary>The task list.</summary>
public sealed record TaskList(IReadOnlyList<TaskDescription> Tasks);
