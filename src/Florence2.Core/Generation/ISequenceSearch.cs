namespace Florence2.Generation;

/// <summary>
/// One request's decoding strategy (greedy or beam search), advanced one decoder step at a time by the engine.
/// </summary>
/// <remarks>
/// The engine owns the model and the KV cache; a search owns only token histories and scores. Each step the engine
/// asks every live search for its rows' last tokens, runs the decoder on all rows of all requests at once, hands
/// each search its own slice of the logits, and then gathers the KV-cache rows by the parents the search returned.
/// That split keeps the search pure (testable with a fake decoder) and lets requests leave the batch independently.
/// </remarks>
public interface ISequenceSearch
{
    /// <summary>Decoder rows this request occupies in the next step (0 once done). 1 before the first step.</summary>
    int RowCount { get; }

    /// <summary>True once the request has its final sequence.</summary>
    bool IsDone { get; }

    /// <summary>Steps taken so far (= current decoder length − 1).</summary>
    int Steps { get; }

    /// <summary>Writes the last token of each of the <see cref="RowCount"/> rows (the next decoder input).</summary>
    void WriteNextInputTokens(Span<long> destination);

    /// <summary>
    /// Consumes the raw logits of the last position of each row (<see cref="RowCount"/> × <paramref name="vocabSize"/>),
    /// applies the logits processors and the strategy, and writes, for every row of the next step, the index of the
    /// current row it continues. Returns the next step's row count (0 when the request is done).
    /// </summary>
    int Advance(ReadOnlySpan<float> logits, int vocabSize, Span<int> parents);

    /// <summary>
    /// The generated ids, starting with the decoder start token (e.g. <c>[2, 0, …, 2]</c>), as Hugging Face's
    /// <c>generate</c> returns them. Valid once <see cref="IsDone"/>.
    /// </summary>
    IReadOnlyList<int> Result { get; }

    /// <summary>
    /// The transition log-probability of every generated token of <see cref="Result"/> (all but the start token, the
    /// final EOS included), as spec §16.1 defines it for the strategy. Valid once <see cref="IsDone"/>.
    /// </summary>
    IReadOnlyList<float> TokenLogProbs { get; }

    /// <summary>
    /// One number for the whole sequence: HF's <c>sequences_scores</c> for beam search; the mean of
    /// <see cref="TokenLogProbs"/> for greedy search (HF has none). Valid once <see cref="IsDone"/>.
    /// </summary>
    double SequenceScore { get; }
}
