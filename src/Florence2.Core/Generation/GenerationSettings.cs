namespace Florence2.Generation;

/// <summary>
/// How one request is decoded. Defaults follow Florence-2's generation_config.json and the model card's
/// reference call (<c>num_beams=3, max_new_tokens=1024, early_stopping=True</c>).
/// </summary>
public sealed record GenerationSettings
{
    /// <summary>1 = greedy (argmax); more = Hugging Face beam search with that many beams.</summary>
    public int NumBeams { get; init; } = 3;

    /// <summary>Token budget after the decoder start token; the engine caps it at the model's position table.</summary>
    public int MaxNewTokens { get; init; } = 1024;

    /// <summary>No n-gram of this size may repeat in a hypothesis (0 disables). Florence-2 uses 3.</summary>
    public int NoRepeatNgramSize { get; init; } = 3;

    /// <summary>HF <c>early_stopping</c>: true stops a request as soon as it has <see cref="NumBeams"/> finished hypotheses.</summary>
    public bool EarlyStopping { get; init; } = true;

    /// <summary>Exponent on the generated length when scoring finished beam hypotheses.</summary>
    public double LengthPenalty { get; init; } = 1.0;

    /// <summary>
    /// Benchmark switch: never emit or stop on EOS, so every request decodes exactly the token budget.
    /// </summary>
    public bool IgnoreEos { get; init; }
}
