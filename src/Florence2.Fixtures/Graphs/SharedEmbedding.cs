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
        g.Weight(TensorNames.SharedEmbedding, [spec.VocabSize, spec.DModel], new WeightInit.EqualNormRows(1f));
}
