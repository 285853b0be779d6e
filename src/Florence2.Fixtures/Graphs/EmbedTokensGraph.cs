using Florence2.Fixtures.Onnx;
using static Florence2.Fixtures.Graphs.SymbolicDims;

namespace Florence2.Fixtures.Graphs;

/// <summary>embed_tokens.onnx: a Gather on the shared [V, D] table (scale_embedding = false ⇒ scale 1).</summary>
internal static class EmbedTokensGraph
{
    public static void Build(GraphBuilder g, FixtureModelSpec spec)
    {
        var ids = g.Input(TensorNames.InputIds, ElementType.Int64, Batch, SequenceLength);
        var table = SharedEmbedding.Table(g, spec);
        g.Node("Gather", [table, ids], [TensorNames.InputsEmbeds], Attr.Int("axis", 0));
        g.Output(TensorNames.InputsEmbeds, ElementType.Float, Batch, SequenceLength, spec.DModel);
    }
}
