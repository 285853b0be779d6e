using Florence2.Generation;

namespace Florence2.Inference;

/// <summary>How long each stage of a batch took; every request of a batch shares its vision and encoder passes.</summary>
/// <param name="BatchSize">Requests that entered the model together.</param>
/// <param name="VisionMs">Pixel tensor + vision encoder.</param>
/// <param name="EncoderMs">Prompt embedding + encoder.</param>
/// <param name="DecoderMs">Decoder steps until this request finished.</param>
/// <param name="DecoderSteps">Decoder passes until this request finished.</param>
public sealed record StageTimings(int BatchSize, double VisionMs, double EncoderMs, double DecoderMs, int DecoderSteps)
{
    public double TotalMs => VisionMs + EncoderMs + DecoderMs;

    /// <summary>Distinct images the batch ran through the vision encoder (rows sharing an image share its pass).</summary>
    public int VisionImages { get; init; }

    /// <summary>Distinct images of the batch whose vision features came from the cache (no encoder pass).</summary>
    public int VisionCacheHits { get; init; }

    /// <summary>Where this request's image features came from; counting <see cref="VisionFeatureSource.Encoded"/> counts encoder passes.</summary>
    public VisionFeatureSource VisionSource { get; init; }
}

/// <summary>Where a request's image features came from.</summary>
public enum VisionFeatureSource
{
    /// <summary>The vision encoder ran for this request's image (one request per encoded image is marked so).</summary>
    Encoded,

    /// <summary>Another request of the batch showing the same image had it encoded; this one shared that pass.</summary>
    Shared,

    /// <summary>The vision-feature cache held the image's features; no encoder pass.</summary>
    Cached,
}

/// <summary>The model's answer for one request.</summary>
/// <param name="TokenIds">Generated ids as HF returns them: decoder start token first, normally ending in EOS.</param>
/// <param name="Text">Decoded with special tokens kept and HF clean-up, e.g. <c>&lt;/s&gt;&lt;s&gt;A car.&lt;/s&gt;</c>.</param>
/// <param name="Timings">Stage timings of the batch, up to this request's last step.</param>
public sealed record EngineResult(IReadOnlyList<int> TokenIds, string Text, StageTimings Timings)
{
    /// <summary>Tokens generated after the decoder start token.</summary>
    public int GeneratedTokens => Math.Max(0, TokenIds.Count - 1);

    /// <summary>
    /// <see cref="TokenIds"/> after the decoder start token, each with its text and transition log-probability (spec §16.1);
    /// what confidence scores are computed from. Empty when the result did not come from the engine's search.
    /// </summary>
    public IReadOnlyList<GeneratedToken> Tokens { get; init; } = [];

    /// <summary>
    /// HF <c>sequences_scores</c> for beam search, the mean token log-probability for greedy search
    /// (<see cref="ISequenceSearch.SequenceScore"/>); null when the result did not come from the engine's search.
    /// </summary>
    public double? SequenceScore { get; init; }
}

public enum EngineOutcomeStatus
{
    Completed,
    Cancelled,
    Failed,
}

/// <summary>Exactly one outcome per request of a batch.</summary>
public sealed record EngineOutcome(EngineOutcomeStatus Status, EngineResult? Result = null, Exception? Error = null)
{
    public static EngineOutcome Cancelled { get; } = new(EngineOutcomeStatus.Cancelled);
}

/// <summary>The prompt needs more encoder positions than the model has after the image tokens.</summary>
public sealed class PromptTooLongException(int tokens, int maxTokens)
    : ArgumentException($"The prompt is {tokens} tokens long; this model accepts at most {maxTokens} (its position table minus the image tokens).")
{
    public int Tokens { get; } = tokens;
    public int MaxTokens { get; } = maxTokens;
}
