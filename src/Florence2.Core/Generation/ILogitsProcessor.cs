namespace Florence2.Generation;

/// <summary>
/// Rewrites one row's next-token scores in place, given that row's token history (Hugging Face <c>LogitsProcessor</c>
/// for a single hypothesis).
/// </summary>
/// <remarks>
/// The history includes the decoder start token, so its length is HF's <c>cur_len</c> (<c>input_ids.shape[-1]</c>).
/// Processors are stateless with respect to the row, so a beam search can run the same instance over every beam.
/// </remarks>
public interface ILogitsProcessor
{
    /// <summary>Adjusts <paramref name="scores"/> (one entry per vocabulary id) for the row whose ids are <paramref name="history"/>.</summary>
    void Process(ReadOnlySpan<int> history, Span<float> scores);
}
