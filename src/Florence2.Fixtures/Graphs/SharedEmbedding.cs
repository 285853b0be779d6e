using Florence2.Fixtures.Onnx;

namespace Florence2.Fixtures.Graphs;

/// <summary>
/// The tied token-embedding table. embed_tokens.onnx and the decoder's LM head are separate files, so
/// each holds a copy; equal name + seed make the two copies identical.
/// </summary>
internal static class SharedEmbedding
{
    /// <summary>
    /// Rows of norm 1 (std 1/√D per element, as before): LayerNorm-ed hidden states then give logits of unit variance.
    /// Equal norms rather than independent draws: as the tied LM head, a row ~40 % longer than average (there are such
    /// rows among 51 289) wins the argmax for a wide cone of hidden states, and a few such hubs were most of the output.
    /// </summary>
    public static string Table(GraphBuilder g, FixtureModelSpec spec) =>
        g.Weight(TensorNames.SharedEmbedding, [spec.VocabSize, spec.DModel], TableInit);

    /// <summary>
    /// The LM head's weight: the tied table transposed to [D, V], read by a plain MatMul as in the real export — so
    /// the hub's quantizers, which only rewrite MatMuls, quantize the LM head too (it is half of a decoder step's work
    /// at base size, and most of why the hub's decoder_model_merged_q4 is 64 MB rather than 200).
    /// </summary>
    public static string LmHead(GraphBuilder g, FixtureModelSpec spec) =>
        g.TransposedWeight(TensorNames.SharedEmbedding, [spec.VocabSize, spec.DModel], TableInit, "lm_head.weight.transposed");

    private static WeightInit TableInit { get; } = new WeightInit.EqualNormRows(1f);
}
