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
}

/// <summary>One uploaded image: its bytes and what the client said it was.</summary>
internal sealed record ImageUpload(ReadOnlyMemory<byte> Bytes, string? DeclaredContentType, string Name);
