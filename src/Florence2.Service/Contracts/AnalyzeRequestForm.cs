namespace Florence2.Service.Contracts;

/// <summary>
/// POST /v1/analyze as multipart/form-data: the <c>image</c> file part (repeat it for several images), one
/// <c>tasks</c> field per task, and settings that apply to every task unless its item sets its own.
/// </summary>
public sealed class AnalyzeRequestForm
{
    /// <summary>The image (JPEG, PNG or WebP). Repeat the part to send several images; every task runs on each.</summary>
    public required IFormFile Image { get; init; }

    /// <summary>
    /// One field per task, in the order the answers should come: a task name (<c>od</c>, <c>caption</c>) or a JSON
    /// object with the task and its inputs, e.g. <c>{"task": "phrase_grounding", "text": "a green car"}</c>. A field
    /// may also list several names separated by commas (<c>od,caption</c>).
    /// </summary>
    public required IReadOnlyList<string> Tasks { get; init; }

    /// <summary>Beams for every task that sets none, 1–8 (1 = greedy). Default from generation_config.json (3).</summary>
    public int? NumBeams { get; init; }

    /// <summary>Token budget for every task that sets none, 1–1024. Default 1024.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary><c>polygon</c> (default), <c>rle</c> or <c>png</c>, for the tasks that answer polygons (others ignore it).</summary>
    public string? MaskFormat { get; init; }

    /// <summary>Confidence threshold, 0–1, for every task that sets none.</summary>
    public double? MinScore { get; init; }

    /// <summary>true: every answer also lists its generated tokens with their log-probabilities.</summary>
    public bool? Logprobs { get; init; }
}

/// <summary>POST /v1/analyze as application/json: the image(s) base64-encoded, the tasks, and settings for every task.</summary>
public sealed class AnalyzeRequestJson
{
    /// <summary>One image, base64 (a <c>data:image/...;base64,</c> prefix is accepted).</summary>
    public string? Image { get; init; }

    /// <summary>Several images, base64; answers come back in the same order.</summary>
    public IReadOnlyList<string>? Images { get; init; }

    /// <summary>The tasks, in the order the answers should come: names, or objects with a task and its own fields.</summary>
    public required IReadOnlyList<System.Text.Json.JsonElement> Tasks { get; init; }

    /// <summary>Beams for every task that sets none, 1–8 (1 = greedy).</summary>
    public int? NumBeams { get; init; }

    /// <summary>Token budget for every task that sets none, 1–1024.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary><c>polygon</c> (default), <c>rle</c> or <c>png</c>, for the tasks that answer polygons.</summary>
    public string? MaskFormat { get; init; }

    /// <summary>Confidence threshold, 0–1, for every task that sets none.</summary>
    public double? MinScore { get; init; }

    /// <summary>true: every answer also lists its generated tokens with their log-probabilities.</summary>
    public bool? Logprobs { get; init; }
}

/// <summary>One item of <c>tasks</c> given as an object: the task and its own inputs and settings.</summary>
public sealed class AnalyzeTaskItem
{
    /// <summary>Task name or token, e.g. <c>phrase_grounding</c> or <c>&lt;OD&gt;</c>.</summary>
    public required string Task { get; init; }

    /// <summary>Text input for tasks that take one.</summary>
    public string? Text { get; init; }

    /// <summary>Region for region tasks: <c>"x1,y1,x2,y2"</c> or <c>[x1, y1, x2, y2]</c> in pixels, or four <c>&lt;loc_N&gt;</c> tokens.</summary>
    public System.Text.Json.JsonElement? Region { get; init; }

    /// <summary>Beams for this task, 1–8.</summary>
    public int? NumBeams { get; init; }

    /// <summary>Token budget for this task, 1–1024.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary><c>polygon</c>, <c>rle</c> or <c>png</c> for this task (refused for a task without polygons).</summary>
    public string? MaskFormat { get; init; }

    /// <summary>Confidence threshold for this task, 0–1.</summary>
    public double? MinScore { get; init; }

    /// <summary>true: this answer also lists its tokens.</summary>
    public bool? Logprobs { get; init; }
}
