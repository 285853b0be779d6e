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

    public string Linear(string x, string name, int inDim, int outDim)
    {
        var weight = g.Weight(name + ".weight", [inDim, outDim], WeightInit.Xavier(inDim, outDim));
        var bias = g.Weight(name + ".bias", [outDim], WeightInit.UniformWithStd(0.02f));
        return g.Add(g.MatMul(x, weight), bias);
    }

    public string LayerNorm(string x, string name) =>
        g.LayerNorm(x, g.Weight(name + ".weight", [dModel], WeightInit.Ones), g.Weight(name + ".bias", [dModel], WeightInit.Zeros));

    /// <summary>Post-LN residual (BART has normalize_before = false).</summary>
    public string ResidualNorm(string residual, string update, string normName) => LayerNorm(g.Add(residual, update), normName);

    /// <summary>embeds + table[positions + 2] for embeds [B, n, D] and int64 positions [n].</summary>
    public string AddLearnedPositions(string embeds, string positions, string tableName, int maxPositions)
    {
        var table = g.Weight(tableName, [maxPositions + PositionOffset, dModel], WeightInit.UniformWithStd(1f / MathF.Sqrt(dModel)));
        return g.Add(embeds, g.Gather(table, g.Add(positions, g.ScalarInt64(PositionOffset))));
    }

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
    public string Attend(string hidden, KeyValue keyValue, string attentionName, params string[] additiveBiases)
    {
        var query = g.Mul(ProjectHeads(hidden, attentionName + ".q_proj"), g.ScalarFloat(1f / MathF.Sqrt(HeadDim)));
        var scores = g.MatMul(query, g.Transpose(keyValue.Key, 0, 1, 3, 2));
        foreach (var bias in additiveBiases) scores = g.Add(scores, bias);
        var context = g.MatMul(g.Softmax(scores, -1), keyValue.Value);
        var merged = g.Reshape(g.Transpose(context, 0, 2, 1, 3), g.Int64s(0, 0, dModel));
        return Linear(merged, attentionName + ".out_proj", dModel, dModel);
    }

    /// <summary>fc2(gelu(fc1(x))) with BART's fc1/fc2 names under <paramref name="layerName"/>.</summary>
    public string FeedForward(string x, string layerName, int ffnDim) =>
        Linear(Gelu(Linear(x, layerName + ".fc1", dModel, ffnDim)), layerName + ".fc2", ffnDim, dModel);

    /// <summary>Exact (erf) GELU; opset 17 has no Gelu operator.</summary>
    private string Gelu(string x)
    {
        var erf = g.Erf(g.Mul(x, g.ScalarFloat(1f / MathF.Sqrt(2f))));
        return g.Mul(g.Mul(x, g.ScalarFloat(0.5f)), g.Add(erf, g.ScalarFloat(1f)));
    }

    /// <summary>[B, n, D] → [B, H, n, hd].</summary>
    private string ProjectHeads(string x, string projectionName)
    {
        var projected = Linear(x, projectionName, dModel, dModel);
        return g.Transpose(g.Reshape(projected, g.Int64s(0, 0, heads, HeadDim)), 0, 2, 1, 3);
    }
}
