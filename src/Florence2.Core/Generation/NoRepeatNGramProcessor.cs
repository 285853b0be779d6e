namespace Florence2.Generation;

/// <summary>
/// HF <c>NoRepeatNGramLogitsProcessor</c>: bans every token that would complete an n-gram already present in the row's
/// history. Florence-2 uses n = 3, and it applies to <c>&lt;loc_N&gt;</c> tokens too (reference behaviour).
/// </summary>
/// <remarks>
/// One linear scan of the history per call: for each earlier n-gram whose first n − 1 ids equal the last n − 1 ids, its
/// last id is banned. That is O(history × n) per row and step — small next to the O(vocabulary) work of a step — and keeps
/// the processor free of per-beam state that would have to follow beams when they are reordered.
/// </remarks>
public sealed class NoRepeatNGramProcessor : ILogitsProcessor
{
    /// <summary>Creates the processor for n-grams of <paramref name="ngramSize"/> tokens.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ngramSize"/> is less than 1.</exception>
    public NoRepeatNGramProcessor(int ngramSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ngramSize, 1);
        NgramSize = ngramSize;
    }

    /// <summary>The n-gram length that may not repeat.</summary>
    public int NgramSize { get; }

    /// <inheritdoc />
    public void Process(ReadOnlySpan<int> history, Span<float> scores)
    {
        int n = NgramSize;
        int curLen = history.Length;
        // HF: `if cur_len + 1 < ngram_size: no bans`.
        if (curLen + 1 < n)
            return;

        ReadOnlySpan<int> prefix = history.Slice(curLen - (n - 1)); // the n − 1 ids the next token would follow
        // Every n-gram starting at i (i + n ≤ curLen) whose first n − 1 ids equal the prefix bans its last id.
        for (int i = 0; i + n <= curLen; i++)
        {
            if (history.Slice(i, n - 1).SequenceEqual(prefix))
            {
                int banned = history[i + n - 1];
                if ((uint)banned < (uint)scores.Length)
                    scores[banned] = float.NegativeInfinity;
            }
        }
    }
}
