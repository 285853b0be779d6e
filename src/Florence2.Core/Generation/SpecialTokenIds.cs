namespace Florence2.Generation;

/// <summary>The token ids generation needs, read from config.json / generation_config.json.</summary>
/// <param name="DecoderStart">First decoder input (Florence-2: 2, which is also <c>&lt;/s&gt;</c>).</param>
/// <param name="Bos"><c>&lt;s&gt;</c> (0).</param>
/// <param name="Eos"><c>&lt;/s&gt;</c> (2).</param>
/// <param name="Pad"><c>&lt;pad&gt;</c> (1), used to pad prompts of different lengths.</param>
/// <param name="ForcedBos">Token forced as the first generated token, or null (Florence-2: 0).</param>
/// <param name="ForcedEos">Token forced at <c>max_length − 1</c>, or null (Florence-2: 2).</param>
public sealed record SpecialTokenIds(
    int DecoderStart = 2,
    int Bos = 0,
    int Eos = 2,
    int Pad = 1,
    int? ForcedBos = 0,
    int? ForcedEos = 2)
{
    public static SpecialTokenIds Florence2 { get; } = new();
}
