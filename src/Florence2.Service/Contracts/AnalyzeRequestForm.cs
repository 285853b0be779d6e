namespace Florence2.Service.Contracts;

/// <summary>
/// POST /v1/analyze as multipart/form-data: the <c>image</c> file part (repeat it for several images), one
/// <c>tasks</c> field per task, and settings that apply to every task unless its item sets its own.
/// </summary>
public sealed class AnalyzeRequestForm : TaskSettings
{
    /// <summary>The image (JPEG, PNG or WebP). Repeat the part to send several images; every task runs on each.</summary>
    public required IFormFile Image { get; init; }

    /// <summary>
    /// One field per task, in the order the answers should come: a task name (<c>od</c>, <c>caption</c>) or a JSON
    /// object with the task and its inputs, e.g. <c>{"task": "phrase_grounding", "text": "a green car"}</c>. A field
    /// may also list several names separated by commas (<c>od,caption</c>).
    /// </summary>
    public required IReadOnlyList<string> Tasks { get; init; }
}

/// <summary>POST /v1/analyze as application/json: the image(s) base64-encoded, the tasks, and settings for every task.</summary>
public sealed class AnalyzeRequestJson : TaskSettings
{
    /// <summary>One image, base64 (a <c>data:image/...;base64,</c> prefix is accepted).</summary>
    public string? Image { get; init; }

    /// <summary>Several images, base64; answers come back in the same order.</summary>
    public IReadOnlyList<string>? Images { get; init; }

    /// <summary>The tasks, in the order the answers should come: names, or objects with a task and its own fields.</summary>
    public required IReadOnlyList<System.Text.Json.JsonElement> Tasks { get; init; }
}

/// <summary>One item of <c>tasks</c> given as an object: the task and its own inputs and settings.</summary>
public sealed class AnalyzeTaskItem : TaskSettings
{
    /// <summary>Task name or token, e.g. <c>phrase_grounding</c> or <c>&lt;OD&gt;</c>.</summary>
    public required string Task { get; init; }

    /// <summary>Text input for tasks that take one.</summary>
    public string? Text { get; init; }

    /// <summary>Region for region tasks: <c>"x1,y1,x2,y2"</c> or <c>[x1, y1, x2, y2]</c> in pixels, or four <c>&lt;loc_N&gt;</c> tokens.</summary>
    public System.Text.Json.JsonElement? Region { get; init; }
}
