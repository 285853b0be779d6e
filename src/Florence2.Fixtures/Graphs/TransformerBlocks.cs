using Florence2.Fixtures.Onnx;

namespace Florence2.Fixtures.Graphs;

/// <summary>
/// BART building blocks shared by the text encoder, both decoder branches and the vision projection.
/// Weight names follow the Hugging Face BART parameter names; the same name always means the same
/// initializer, which is how the two If branches share weights.
/// </summary>
internal sealed class TransformerBlocks(GraphBuilder g, int dModel, int heads)
{
    /// <summary>Large but finite: −inf would turn fully masked rows into NaN.</summary>
    public const float MaskedScore = -1e9f;

    /// <summary>BART's learned positional embedding skips the first two rows.</summary>
    public const long PositionOffset = 2;

    private int HeadDim => dModel / heads;

    /// <param name="gain">Scales the Xavier weights: a stronger or weaker path than the default (see <see cref="SignalGains"/>).</param>
    public string Linear(string x, string name, int inDim, int outDim, float gain = 1f)
    {
        var weight = g.Weight(name + ".weight", [inDim, outDim], WeightInit.Xavier(inDim, outDim, gain));
        var bias = g.Weight(name + ".bias", [outDim], WeightInit.UniformWithStd(0.02f));
        return g.Add(g.MatMul(x, weight), bias);
    }

    public string LayerNorm(string x, string name) =>
        g.LayerNorm(x, g.Weight(name + ".weight", [dModel], WeightInit.Ones), g.Weight(name + ".bias", [dModel], WeightInit.Zeros));

    /// <summary>Post-LN residual (BART has normalize_before = false).</summary>
    public string ResidualNorm(string residual, string update, string normName) => LayerNorm(g.Add(residual, update), normName);

    /// <summary>embeds + table[positions + 2] for embeds [B, n, D] and int64 positions [n]; table entries have std <paramref name="scale"/>/√D.</summary>
    public string AddLearnedPositions(string embeds, string positions, string tableName, int maxPositions, float scale = 1f) =>
        g.Add(embeds, g.Gather(PositionTable(tableName, maxPositions, scale), g.Add(positions, g.ScalarInt64(PositionOffset))));

    /// <summary>A learned position table, [<paramref name="maxPositions"/> + 2, D] (BART's offset rows included), entries of std <paramref name="scale"/>/√D.</summary>
    public string PositionTable(string tableName, int maxPositions, float scale = 1f) =>
        g.Weight(tableName, [maxPositions + PositionOffset, dModel], WeightInit.UniformWithStd(scale / MathF.Sqrt(dModel)));

    /// <summary>int64 mask [B, S] (1 = keep) → float additive bias [B, 1, 1, S], broadcast over heads and queries.</summary>
    public string PaddingBias(string mask)
    {
        var dropped = g.Sub(g.ScalarFloat(1f), g.Cast(mask, ElementType.Float));
        return g.Unsqueeze(g.Mul(dropped, g.ScalarFloat(MaskedScore)), 1, 2);
    }

    /// <summary>Keys and values of <paramref name="source"/> [B, m, D] for the attention called <paramref name="attentionName"/>.</summary>
    public KeyValue ProjectKeyValue(string source, string attentionName) =>
        new(ProjectHeads(source, attentionName + ".k_proj"), ProjectHeads(source, attentionName + ".v_proj"));

    /// <summary>Multi-head attention of <paramref name="hidden"/> [B, n, D] over <paramref name="keyValue"/>; returns [B, n, D] after out_proj.</summary>
    /// <param name="additiveBiases">Added to the [B, H, n, m] scores (masks; anything broadcastable).</param>
    /// <param name="gains">Weight gains of q_proj and out_proj; <see cref="AttentionGains.Unit"/> when null.</param>
    public string Attend(string hidden, KeyValue keyValue, string attentionName, IReadOnlyList<string> additiveBiases, AttentionGains? gains = null)
    {
        gains ??= AttentionGains.Unit;
        var projectedQuery = ProjectHeads(hidden, attentionName + ".q_proj", gains.Query);
        var query = g.Mul(projectedQuery, g.ScalarFloat(1f / MathF.Sqrt(HeadDim)));
        var scores = g.MatMul(query, g.Transpose(keyValue.Key, 0, 1, 3, 2));
        foreach (var bias in additiveBiases) scores = g.Add(scores, bias);
        var context = g.MatMul(g.Softmax(scores, -1), keyValue.Value);
        var merged = g.Reshape(g.Transpose(context, 0, 2, 1, 3), g.Int64s(0, 0, dModel));
        return Linear(merged, attentionName + ".out_proj", dModel, dModel, gains.Output);
    }

    /// <summary>fc2(gelu(fc1(x))) with BART's fc1/fc2 names under <paramref name="layerName"/>; fc2's weights scaled by <paramref name="outputGain"/>.</summary>
    public string FeedForward(string x, string layerName, int ffnDim, float outputGain = 1f) =>
        Linear(Gelu(Linear(x, layerName + ".fc1", dModel, ffnDim)), layerName + ".fc2", ffnDim, dModel, outputGain);

    /// <summary>Exact (erf) GELU; opset 17 has no Gelu operator.</summary>
    private string Gelu(string x)
    {
        var erf = g.Erf(g.Mul(x, g.ScalarFloat(1f / MathF.Sqrt(2f))));
        return g.Mul(g.Mul(x, g.ScalarFloat(0.5f)), g.Add(erf, g.ScalarFloat(1f)));
    }

    /// <summary>[B, n, D] → [B, H, n, hd].</summary>
    private string ProjectHeads(string x, string projectionName, float gain = 1f)
    {
        var projected = Linear(x, projectionName, dModel, dModel, gain);
        return g.Transpose(g.Reshape(projected, g.Int64s(0, 0, heads, HeadDim)), 0, 2, 1, 3);
    }
}
