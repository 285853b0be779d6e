using Florence2.Generation;

namespace Florence2.Inference;

/// <summary>An image ready to be written into the model's pixel tensor.</summary>
public interface IPixelSource
{
    /// <summary>Width of the original image, in pixels (post-processing scales coordinates by it).</summary>
    int Width { get; }

    /// <summary>Height of the original image, in pixels.</summary>
    int Height { get; }

    /// <summary>Writes the normalized CHW float pixels for a <paramref name="targetWidth"/>×<paramref name="targetHeight"/> model input.</summary>
    void WritePixelValues(Span<float> destination, int targetWidth, int targetHeight);
}

/// <summary>One image + prompt to run through the model as part of a batch.</summary>
public sealed class EngineRequest
{
    public required IPixelSource Image { get; init; }

    /// <summary>The natural-language prompt sent to the tokenizer (already built from the task).</summary>
    public required string Prompt { get; init; }

    /// <summary>
    /// <see cref="Prompt"/> already tokenized and length-checked (<see cref="Florence2Engine.EncodePrompt"/>), so the
    /// engine does not tokenize it again; null lets the engine tokenize <see cref="Prompt"/> itself.
    /// </summary>
    public int[]? PromptIds { get; init; }

    public GenerationSettings Generation { get; init; } = new();

    /// <summary>
    /// Whether this request's image may be looked up in and stored into the vision-feature cache. Default true;
    /// warm-up turns it off so synthetic pictures neither take cache room nor count as misses.
    /// </summary>
    public bool UseVisionCache { get; init; } = true;

    /// <summary>Cancels this request only: before the batch starts, or between decoder steps.</summary>
    public CancellationToken CancellationToken { get; init; }
}
