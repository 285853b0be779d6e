using Onnx;

namespace Florence2.Inference.ContinuousDecoding;

/// <summary>
/// The index tensor T of the with-past branch's position-table Gather, and what it adds to the positions: the
/// rewrite replaces every read of T by <c>position_ids + Offset</c> (cast to <see cref="CastTo"/> when set).
/// </summary>
/// <param name="Indices">T, the Gather's indices input.</param>
/// <param name="Offset">Sum of the constants added on the way from the Range to T (BART: 2).</param>
/// <param name="CastTo">T's element type when a Cast on that way sets one other than int64; null for int64.</param>
internal sealed record PositionIndex(string Indices, long Offset, int? CastTo)
{
    /// <summary>Ops that reshape or convert the positions without changing their values.</summary>
    private static readonly HashSet<string> ValuePreserving =
        ["Unsqueeze", "Squeeze", "Expand", "Reshape", "Identity", "Tile", "Flatten", "Cast"];

    /// <summary>
    /// Finds the Gather that reads a 2-D initializer (the learned position table, <c>[max_position_embeddings + 2,
    /// d_model]</c>) at indices computed from a Range, and walks the indices back to that Range.
    /// </summary>
    /// <exception cref="RewriteRefusedException">No such Gather, or more than one.</exception>
    public static PositionIndex Find(WithPastBranch branch)
    {
        var tableReads = branch.Graph.Node
            .Where(n => n.OpType == "Gather" && Axis(n) == 0 && branch.Initializer(n.Input[0]) is { Dims.Count: 2 })
            .ToList();
        if (tableReads.Count == 0)
            throw new RewriteRefusedException("no Gather reads a [max_position_embeddings+2, d_model] table in the with-past branch");

        var found = new List<PositionIndex>();
        string? firstProblem = null;
        foreach (var gather in tableReads)
        {
            var (index, problem) = TraceToRange(branch, gather);
            if (index is not null) found.Add(index);
            firstProblem ??= problem;
        }
        return found.Count switch
        {
            0 => throw new RewriteRefusedException(firstProblem!),
            1 => found[0],
            _ => throw new RewriteRefusedException(
                $"{found.Count} Gathers in the with-past branch read 2-D tables at Range-derived indices, so which one is the position table is ambiguous"),
        };
    }

    private static (PositionIndex? Index, string? Problem) TraceToRange(WithPastBranch branch, NodeProto gather)
    {
        string indices = gather.Input[1], current = indices;
        string what = $"the indices of the Gather '{gather.Name}' on the 2-D table '{gather.Input[0]}'";
        long offset = 0;
        int? castTo = null;
        while (branch.ProducerOf(current) is { } node)
        {
            if (node.OpType == "Range")
                return (new PositionIndex(indices, offset, castTo is null or (int)TensorProto.Types.DataType.Int64 ? null : castTo), null);
            if (node.OpType is "Add" or "Sub")
            {
                // A constant operand shifts every position; the walk follows the computed one.
                long? first = branch.UniformIntegerConstant(node.Input[0]), second = branch.UniformIntegerConstant(node.Input[1]);
                if (first is null && second is { } shift)
                {
                    offset += node.OpType == "Add" ? shift : -shift;
                    current = node.Input[0];
                    continue;
                }
                if (first is { } addend && second is null && node.OpType == "Add")
                {
                    offset += addend;
                    current = node.Input[1];
                    continue;
                }
                return (null, $"{what} go through the {node.OpType} '{node.Name}', which is not a shift by one integer constant");
            }
            if (!ValuePreserving.Contains(node.OpType))
                return (null, $"{what} come from a {node.OpType} node ('{node.Name}'), not from a Range of positions");
            if (node.OpType == "Cast") castTo ??= (int)(node.Attribute.FirstOrDefault(a => a.Name == "to")?.I ?? 0);
            current = node.Input[0];
        }
        return (null, $"{what} are not computed from a Range in the with-past branch");
    }

    private static long Axis(NodeProto gather) => gather.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0;
}
