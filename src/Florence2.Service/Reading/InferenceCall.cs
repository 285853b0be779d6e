namespace Florence2.Service.Reading;

/// <summary>What a client sent, read from multipart or JSON but not yet validated.</summary>
internal sealed record InferenceCall(
    string? Task,
    string? Text,
    string? Region,
    int? NumBeams,
    int? MaxNewTokens,
    IReadOnlyList<ImageUpload> Images)
{
    /// <summary>The <c>mask_format</c> field as sent (polygon, rle or png), null when absent.</summary>
    public string? MaskFormat { get; init; }

    /// <summary><c>min_score</c> as sent (range checked by the model's validator).</summary>
    public double? MinScore { get; init; }

    /// <summary><c>logprobs</c>; null when not sent.</summary>
    public bool? Logprobs { get; init; }

    /// <summary><c>tasks</c> (POST /v1/analyze), in order; null when not sent.</summary>
    public IReadOnlyList<TaskItem>? Tasks { get; init; }
}

/// <summary>
/// One item of <c>tasks</c>: a task with its own inputs and settings (null: not given, so the call's own value applies).
/// </summary>
/// <param name="Field">Where it was in the request, e.g. <c>tasks[1]</c>; refusals name its fields under it.</param>
/// <param name="Task">The task's name or token, as sent.</param>
/// <param name="Text">Its text input.</param>
/// <param name="Region">Its region input (<c>x1,y1,x2,y2</c> or location tokens).</param>
/// <param name="NumBeams">Its beams.</param>
/// <param name="MaxNewTokens">Its token budget.</param>
internal sealed record TaskItem(string Field, string Task, string? Text = null, string? Region = null, int? NumBeams = null,
    int? MaxNewTokens = null)
{
    public string? MaskFormat { get; init; }

    public double? MinScore { get; init; }

    public bool? Logprobs { get; init; }
}

/// <summary>One uploaded image: its bytes and what the client said it was.</summary>
internal sealed record ImageUpload(ReadOnlyMemory<byte> Bytes, string? DeclaredContentType, string Name);
