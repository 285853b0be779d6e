namespace Florence2.Generation;

/// <summary>Chooses the decoding strategy for a request.</summary>
public static class SequenceSearch
{
    /// <summary>
    /// <see cref="GreedySearch"/> when <see cref="GenerationSettings.NumBeams"/> is 1, otherwise <see cref="BeamSearch"/>.
    /// </summary>
    /// <param name="settings">The request's decoding settings.</param>
    /// <param name="ids">Special token ids of the model.</param>
    /// <param name="maxLength">
    /// Total decoder length including the start token: <c>min(1 + MaxNewTokens, max_position_embeddings)</c>.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">NumBeams &lt; 1, NoRepeatNgramSize &lt; 0 or maxLength &lt; 2.</exception>
    public static ISequenceSearch Create(GenerationSettings settings, SpecialTokenIds ids, int maxLength)
    {
        SearchArguments.Validate(settings, ids, maxLength);
        return settings.NumBeams == 1
            ? new GreedySearch(settings, ids, maxLength)
            : new BeamSearch(settings, ids, maxLength);
    }
}
