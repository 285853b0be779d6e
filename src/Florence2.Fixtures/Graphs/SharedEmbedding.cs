using Florence2.Fixtures.Onnx;

namespace Florence2.Fixtures.Graphs;

/// <summary>
/// The tied token-embedding table. embed_tokens.onnx and the decoder's LM head are separate files, so
/// each holds a copy; equal name + seed make the two copies identical.
/// </summary>
internal static class SharedEmbedding
{
    /// <summary>std 1/√D: LayerNorm-ed hidden states (unit variance per dim) then give logits of unit variance.</summary>
    public static string Table(GraphBuilder g, FixtureModelSpec spec) =>
        g.Weight(TensorNames.SharedEmbedding, [spec.VocabSize, spec.DModel], WeightInit.UniformWithStd(1f / MathF.Sqrt(spec.DModel)));
}
