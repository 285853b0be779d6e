namespace Florence2.Generation;

/// <summary>
/// Sets one token's score to −∞ at every step. Used for <see cref="GenerationSettings.IgnoreEos"/> so benchmarks decode
/// the full token budget; it has no counterpart in Florence-2's reference configuration.
/// </summary>
public sealed class SuppressTokenProcessor : ILogitsProcessor
{
    /// <summary>Creates a processor that always bans <paramref name="tokenId"/>.</summary>
    public SuppressTokenProcessor(int tokenId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokenId);
        TokenId = tokenId;
    }

    /// <summary>The banned token id.</summary>
    public int TokenId { get; }

    /// <inheritdoc />
    public void Process(ReadOnlySpan<int> history, Span<float> scores)
    {
        if ((uint)TokenId < (uint)scores.Length)
            scores[TokenId] = float.NegativeInfinity;
    }
}
