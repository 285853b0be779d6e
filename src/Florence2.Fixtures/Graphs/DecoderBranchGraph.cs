using Florence2.Fixtures.Onnx;

namespace Florence2.Fixtures.Graphs;

/// <summary>
/// One branch of the merged decoder's If node. Both branches run the same BART decoder layers on the
/// same (outer-graph) weights and differ only where the cache comes in:
/// <list type="bullet">
/// <item>no-cache branch: positions start at 0; cross-attention K/V are computed from encoder_hidden_states and returned.</item>
/// <item>cache branch: positions start at the past length; self-attention K/V are appended to the past; cross-attention
/// uses the past encoder K/V, and the encoder presents are optimum's empty placeholders.</item>
/// </list>
/// </summary>
internal sealed class DecoderBranchGraph(FixtureModelSpec spec, bool usesCache)
{
    private const string Decoder = "decoder";
    private const string Encoder = "encoder";

    /// <summary>Adds the branch's nodes and declares its outputs, in the merged decoder's output order.</summary>
    public void Build(GraphBuilder g)
    {
        var blocks = new TransformerBlocks(g, spec.DModel, spec.DecoderAttentionHeads);
        var embeds = TensorNames.InputsEmbeds;

        var pastLength = usesCache ? g.DimSize(TensorNames.Past(0, Decoder, "key"), 2) : g.ScalarInt64(0);
        var totalLength = g.Add(pastLength, g.DimSize(embeds, 1));
        var positions = new DecoderPositions(g, spec, pastLength, totalLength);

        var hidden = blocks.LayerNorm(positions.AddTo(embeds, blocks), "model.decoder.layernorm_embedding");
        // The shared positions are enough here: one new token per cached step sees every key of its row's history.
        var causalBias = CausalBias(g, positions.Shared, totalLength);
        // Same for every layer: padding, plus which heads read the image and which read the prompt.
        var crossBias = g.Add(blocks.PaddingBias(TensorNames.EncoderAttentionMask), CrossAttentionRouting.Bias(g, spec, positions.RowPositions));

        var presents = new List<(string Name, string Value)>();
        for (var layer = 0; layer < spec.DecoderLayers; layer++)
        {
            var name = $"model.decoder.layers.{layer}";

            var self = blocks.ProjectKeyValue(hidden, name + ".self_attn");
            if (usesCache)
            {
                self = new KeyValue(
                    g.Concat(2, TensorNames.Past(layer, Decoder, "key"), self.Key),
                    g.Concat(2, TensorNames.Past(layer, Decoder, "value"), self.Value));
            }
            hidden = blocks.ResidualNorm(hidden, blocks.Attend(hidden, self, name + ".self_attn", [causalBias]), name + ".self_attn_layer_norm");

            var cross = usesCache
                ? new KeyValue(TensorNames.Past(layer, Encoder, "key"), TensorNames.Past(layer, Encoder, "value"))
                : blocks.ProjectKeyValue(TensorNames.EncoderHiddenStates, name + ".encoder_attn");
            var crossAttention = blocks.Attend(hidden, cross, name + ".encoder_attn", [crossBias], SignalGains.CrossAttention);
            hidden = blocks.ResidualNorm(hidden, crossAttention, name + ".encoder_attn_layer_norm");

            hidden = blocks.ResidualNorm(hidden, blocks.FeedForward(hidden, name, spec.DecoderFfnDim), name + ".final_layer_norm");

            var encoderPresent = usesCache ? new KeyValue(EmptyEncoderPlaceholder(g), EmptyEncoderPlaceholder(g)) : cross;
            presents.Add((TensorNames.Present(layer, Decoder, "key"), self.Key));
            presents.Add((TensorNames.Present(layer, Decoder, "value"), self.Value));
            presents.Add((TensorNames.Present(layer, Encoder, "key"), encoderPresent.Key));
            presents.Add((TensorNames.Present(layer, Encoder, "value"), encoderPresent.Value));
        }

        DeclareOutput(g, TensorNames.Logits, Logits(g, blocks, hidden, positions.RowPositions));
        foreach (var (outputName, value) in presents) DeclareOutput(g, outputName, value);
    }

    /// <summary>[n, total] additive bias: query at absolute position p may see keys 0..p.</summary>
    private static string CausalBias(GraphBuilder g, string queryPositions, string totalLength)
    {
        var keyPositions = g.Range(g.ScalarInt64(0), totalLength, g.ScalarInt64(1));
        var isFuture = g.Greater(keyPositions, g.Unsqueeze(queryPositions, 1));
        return g.Where(isFuture, g.ScalarFloat(TransformerBlocks.MaskedScore), g.ScalarFloat(0f));
    }

    /// <summary>final LayerNorm, then hidden · Eᵀ with the tied embedding table, [B, n, V] (+ the script's one-hot boost).</summary>
    private string Logits(GraphBuilder g, TransformerBlocks blocks, string hidden, string rowPositions)
    {
        var normed = blocks.LayerNorm(hidden, "model.decoder.layer_norm");
        var logits = g.MatMul(normed, SharedEmbedding.LmHead(g, spec));
        return spec.ScriptTokenIds is null ? logits : g.Add(logits, ScriptBoost(g, rowPositions));
    }

    /// <summary>[B, n, V]: 1e4 at script[p] for each row's position p, added on top of the real logits.</summary>
    private string ScriptBoost(GraphBuilder g, string positions)
    {
        var script = spec.ScriptTokenIds!;
        var table = new long[spec.MaxPositionEmbeddings];
        for (var p = 0; p < table.Length; p++) table[p] = p < script.Count ? script[p] : FixtureModelSpec.EndOfSequenceTokenId;
        var scriptTable = g.NamedInt64s("script_token_table", table);
        var tokens = g.Gather(scriptTable, positions);
        return g.OneHot(tokens, g.Int64s(spec.VocabSize), g.Floats(0f, 1e4f));
    }

    /// <summary>optimum's _unify_onnx_outputs placeholder: declared shape with the first symbolic dim 0, the rest 1.</summary>
    private string EmptyEncoderPlaceholder(GraphBuilder g)
    {
        var shape = new long[] { 0, spec.DecoderAttentionHeads, 1, spec.DecoderHeadDim };
        return g.Node("Constant", [], Attr.Tensor("value", TensorFactory.Float("empty_encoder_cache", shape, [])));
    }

    /// <summary>Branch outputs get branch-unique names (ONNX names are model-wide); type only, since the branches' shapes differ.</summary>
    private static void DeclareOutput(GraphBuilder g, string outputName, string value)
    {
        var branchOutput = $"{g.Graph.Name}/{outputName}";
        g.Node("Identity", [value], [branchOutput]);
        g.Output(branchOutput, ElementType.Float);
    }
}
