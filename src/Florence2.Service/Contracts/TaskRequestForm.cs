namespace Florence2.Service.Contracts;

/// <summary>Fields of a task request. As multipart/form-data: the <c>image</c> file part (repeat it for several images) plus these fields.</summary>
public sealed class TaskRequestForm : TaskSettings
{
    /// <summary>The image (JPEG, PNG or WebP). Repeat the part to send several images; answers come back in order.</summary>
    public required IFormFile Image { get; init; }

    /// <summary>Task name or token, e.g. <c>od</c> or <c>&lt;OD&gt;</c>. Defaults to the endpoint's main task.</summary>
    public string? Task { get; init; }

    /// <summary>Text input for tasks that take one (phrase grounding, open-vocabulary detection, referring expression segmentation).</summary>
    public string? Text { get; init; }

    /// <summary>Region for region tasks: <c>x1,y1,x2,y2</c> in pixels of the image, or four <c>&lt;loc_N&gt;</c> tokens.</summary>
    public string? Region { get; init; }
}

/// <summary>A task request as application/json: the image(s) base64-encoded, the other fields as in the form.</summary>
public sealed class TaskRequestJson : TaskSettings
{
    /// <summary>One image, base64 (a <c>data:image/...;base64,</c> prefix is accepted).</summary>
    public string? Image { get; init; }

    /// <summary>Several images, base64; answers come back in the same order.</summary>
    public IReadOnlyList<string>? Images { get; init; }

    /// <summary>Task name or token. Defaults to the endpoint's main task.</summary>
    public string? Task { get; init; }

    /// <summary>Text input for tasks that take one.</summary>
    public string? Text { get; init; }

    /// <summary>Region as <c>"x1,y1,x2,y2"</c> or <c>[x1, y1, x2, y2]</c> in pixels, or four <c>&lt;loc_N&gt;</c> tokens.</summary>
    public System.Text.Json.JsonElement? Region { get; init; }
}
