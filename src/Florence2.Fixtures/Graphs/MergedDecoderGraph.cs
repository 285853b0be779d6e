using Florence2.Fixtures.Onnx;
using static Florence2.Fixtures.Graphs.SymbolicDims;

namespace Florence2.Fixtures.Graphs;

/// <summary>
/// decoder_model_merged.onnx: optimum's merge of the no-past and with-past decoders — a single If on
/// use_cache_branch whose branches read the outer graph's inputs and weights by name.
/// </summary>
internal static class MergedDecoderGraph
{
    public static void Build(GraphBuilder g, FixtureModelSpec spec)
    {
        int d = spec.DModel, heads = spec.DecoderAttentionHeads, headDim = spec.DecoderHeadDim;

        g.Input(TensorNames.InputsEmbeds, ElementType.Float, Batch, DecoderSequenceLength, d);
        g.Input(TensorNames.EncoderHiddenStates, ElementType.Float, Batch, EncoderSequenceLength, d);
        g.Input(TensorNames.EncoderAttentionMask, ElementType.Int64, Batch, EncoderSequenceLength);
        g.Input(TensorNames.UseCacheBranch, ElementType.Bool, 1);
        foreach (var (name, isDecoder) in CacheTensors(spec, TensorNames.Past))
            g.Input(name, ElementType.Float, Batch, heads, isDecoder ? PastDecoderSequenceLength : EncoderSequenceLengthOut, headDim);

        var withCache = g.Subgraph("decoder_with_past");
        new DecoderBranchGraph(spec, usesCache: true).Build(withCache);
        var withoutCache = g.Subgraph("decoder_no_past");
        new DecoderBranchGraph(spec, usesCache: false).Build(withoutCache);

        var presents = CacheTensors(spec, TensorNames.Present).ToList();
        g.Node("If", [TensorNames.UseCacheBranch], [TensorNames.Logits, .. presents.Select(p => p.Name)],
            Attr.Graph("then_branch", withCache.Graph), Attr.Graph("else_branch", withoutCache.Graph));

        g.Output(TensorNames.Logits, ElementType.Float, Batch, DecoderSequenceLength, spec.VocabSize);
        foreach (var (name, isDecoder) in presents)
            g.Output(name, ElementType.Float, Batch, heads, isDecoder ? PresentDecoderSequenceLength : EncoderSequenceLengthOut, headDim);
    }

    /// <summary>Per layer: decoder.key, decoder.value, encoder.key, encoder.value — optimum's order.</summary>
    private static IEnumerable<(string Name, bool IsDecoder)> CacheTensors(FixtureModelSpec spec, Func<int, string, string, string> naming)
    {
        for (var layer = 0; layer < spec.DecoderLayers; layer++)
        {
            yield return (naming(layer, "decoder", "key"), true);
            yield return (naming(layer, "decoder", "value"), true);
            yield return (naming(layer, "encoder", "key"), false);
            yield return (naming(layer, "encoder", "value"), false);
        }
    }
}
