using Florence2.Fixtures.Onnx;

namespace Florence2.Fixtures.Graphs;

/// <summary>
/// The decoder's positions, built as BART's export builds them: <c>Range(past, past + n)</c> → Unsqueeze → Expand to
/// [B, n] → Add(2) → Gather on the [max + 2, D] table. The Gather's index tensor is the one place each row's position
/// comes from: every per-row consumer (the cross-attention routing, the script lookup) reads <see cref="RowPositions"/>,
/// derived from that same tensor, so a rewrite that replaces the index tensor (continuous batching gives each row its
/// own position) moves all of them together.
/// </summary>
internal sealed class DecoderPositions
{
    private const string TableName = "model.decoder.embed_positions.weight";

    private readonly GraphBuilder _g;
    private readonly FixtureModelSpec _spec;
    private readonly string _tableIndices;

    /// <param name="pastLength">int64 scalar: the cache length the new tokens follow.</param>
    /// <param name="totalLength">int64 scalar: past + new tokens.</param>
    public DecoderPositions(GraphBuilder g, FixtureModelSpec spec, string pastLength, string totalLength)
    {
        _g = g;
        _spec = spec;
        var offset = g.ScalarInt64(TransformerBlocks.PositionOffset);
        var batch = g.Unsqueeze(g.DimSize(TensorNames.InputsEmbeds, 0), 0);
        if (spec.FoldedPositionOffset)
        {
            // Range(past + 2, total + 2) read as it is: the offset folded into the Range's bounds.
            var shifted = g.Range(g.Add(pastLength, offset), g.Add(totalLength, offset), g.ScalarInt64(1));
            Shared = g.Sub(shifted, offset);
            _tableIndices = g.Expand(g.Unsqueeze(shifted, 0), g.Concat(0, batch, g.Int64s(1)));
        }
        else
        {
            Shared = g.Range(pastLength, totalLength, g.ScalarInt64(1));
            var perRow = g.Expand(g.Unsqueeze(Shared, 0), g.Concat(0, batch, g.Int64s(1)));
            _tableIndices = g.Add(perRow, offset);
        }
        RowPositions = g.Sub(_tableIndices, g.ScalarInt64(TransformerBlocks.PositionOffset));
    }

    /// <summary>[n]: the positions every row shares when all rows have the same history (used by the causal bias).</summary>
    public string Shared { get; }

    /// <summary>[B, n]: each row's absolute 0-based position of each new token.</summary>
    public string RowPositions { get; }

    /// <summary>
    /// embeds [B, n, D] + table[index]. With <see cref="FixtureModelSpec.OpaquePositions"/> the table is read by a
    /// one-hot MatMul instead of a Gather — same values, but not the pattern the continuous-batching rewrite looks for.
    /// </summary>
    public string AddTo(string embeds, TransformerBlocks blocks)
    {
        var table = blocks.PositionTable(TableName, _spec.MaxPositionEmbeddings);
        var rows = _spec.OpaquePositions
            ? _g.MatMul(_g.OneHot(_tableIndices, _g.Int64s(_spec.MaxPositionEmbeddings + TransformerBlocks.PositionOffset), _g.Floats(0f, 1f)), table)
            : _g.Gather(table, _tableIndices);
        return _g.Add(embeds, rows);
    }
}
