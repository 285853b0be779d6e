namespace Florence2.Generation;

/// <summary>
/// Shared rule of HF's forced-token processors: at one decoder length, every score becomes −∞ except the forced id's,
/// which becomes 0 (a log-probability of 1).
/// </summary>
public abstract class ForcedTokenProcessor : ILogitsProcessor
{
    /// <summary>Creates a processor that forces <paramref name="tokenId"/> when the history has <paramref name="atLength"/> ids.</summary>
    protected ForcedTokenProcessor(int atLength, int tokenId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokenId);
        AtLength = atLength;
        TokenId = tokenId;
    }

    /// <summary>History length (HF <c>cur_len</c>) at which the token is forced.</summary>
    public int AtLength { get; }

    /// <summary>The forced token id.</summary>
    public int TokenId { get; }

    /// <inheritdoc />
    public void Process(ReadOnlySpan<int> history, Span<float> scores)
    {
        if (history.Length != AtLength)
            return;
        scores.Fill(float.NegativeInfinity);
        if ((uint)TokenId < (uint)scores.Length)
            scores[TokenId] = 0f;
    }
}

/// <summary>HF <c>ForcedBOSTokenLogitsProcessor</c>: forces <c>&lt;s&gt;</c> as the first generated token (cur_len == 1).</summary>
public sealed class ForcedBosProcessor(int bosTokenId) : ForcedTokenProcessor(atLength: 1, bosTokenId);

/// <summary>
/// HF <c>ForcedEOSTokenLogitsProcessor</c>: forces EOS as the last token that fits (cur_len == max_length − 1), so a
/// sequence that reaches the length limit still ends with EOS.
/// </summary>
/// <param name="maxLength">Total decoder length including the start token.</param>
/// <param name="eosTokenId">The forced end-of-sequence id.</param>
public sealed class ForcedEosProcessor(int maxLength, int eosTokenId) : ForcedTokenProcessor(atLength: maxLength - 1, eosTokenId);
