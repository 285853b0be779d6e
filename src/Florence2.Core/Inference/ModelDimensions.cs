namespace Florence2.Inference;

/// <summary>
/// Sizes read from the sessions' input/output metadata and cross-checked with config.json, so base, large and
/// odd fixture shapes all work without hard-coded numbers.
/// </summary>
public sealed record ModelDimensions(
    int HiddenSize,
    int DecoderLayers,
    int DecoderHeads,
    int HeadDim,
    int VocabSize,
    int MaxPositions,
    int ImageTokens)
{
    /// <summary>Longest prompt (incl. &lt;s&gt; and &lt;/s&gt;) the encoder's position table can take after the image tokens.</summary>
    public int MaxPromptTokens => MaxPositions - ImageTokens;
}
