using Florence2.Fixtures.Onnx;
using static Florence2.Fixtures.Graphs.SymbolicDims;

namespace Florence2.Fixtures.Graphs;

/// <summary>encoder_model.onnx: BART encoder over [image features; prompt embeddings] with a padding mask.</summary>
internal static class TextEncoderGraph
{
    public static void Build(GraphBuilder g, FixtureModelSpec spec)
    {
        var embeds = g.Input(TensorNames.InputsEmbeds, ElementType.Float, Batch, EncoderSequenceLength, spec.DModel);
        var mask = g.Input(TensorNames.AttentionMask, ElementType.Int64, Batch, EncoderSequenceLength);
        var blocks = new TransformerBlocks(g, spec.DModel, spec.EncoderAttentionHeads);

        var positions = g.Range(g.ScalarInt64(0), g.DimSize(embeds, 1), g.ScalarInt64(1));
        var withPositions = blocks.AddLearnedPositions(embeds, positions, "model.encoder.embed_positions.weight", spec.MaxPositionEmbeddings,
            SignalGains.EncoderPositionScale);
        var hidden = blocks.LayerNorm(withPositions, "model.encoder.layernorm_embedding");
        var paddingBias = blocks.PaddingBias(mask);

        for (var layer = 0; layer < spec.EncoderLayers; layer++)
        {
            var name = $"model.encoder.layers.{layer}";
            var selfAttention = blocks.Attend(hidden, blocks.ProjectKeyValue(hidden, name + ".self_attn"), name + ".self_attn", [paddingBias],
                SignalGains.EncoderSelfAttention);
            hidden = blocks.ResidualNorm(hidden, selfAttention, name + ".self_attn_layer_norm");
            var feedForward = blocks.FeedForward(hidden, name, spec.EncoderFfnDim, SignalGains.EncoderUpdate);
            hidden = blocks.ResidualNorm(hidden, feedForward, name + ".final_layer_norm");
        }

        g.Node("Identity", [hidden], [TensorNames.LastHiddenState]);
        g.Output(TensorNames.LastHiddenState, ElementType.Float, Batch, EncoderSequenceLength, spec.DModel);
    }
}
