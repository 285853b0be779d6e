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
            {
                // An export may fold the offset into the Range's start (Range(past + 2, …)) instead of adding it after.
                var (startShift, problem) = StartShift(branch, node.Input[0]);
                if (problem is not null) return (null, $"{what}: {problem}");
                offset += startShift;
                return (new PositionIndex(indices, offset, castTo is null or (int)TensorProto.Types.DataType.Int64 ? null : castTo), null);
            }
            if (node.OpType is "Add" or "Sub")
            {
                // A constant operand shifts every position; the walk follows the computed one.
                if (ShiftOf(branch, node) is not { } step)
                    return (null, $"{what} go through the {node.OpType} '{node.Name}', which is not a shift by one integer constant");
                offset += step.Shift;
                current = step.Shifted;
                continue;
            }
            if (!ValuePreserving.Contains(node.OpType))
                return (null, $"{what} come from a {node.OpType} node ('{node.Name}'), not from a Range of positions");
            if (node.OpType == "Cast") castTo ??= (int)(node.Attribute.FirstOrDefault(a => a.Name == "to")?.I ?? 0);
            current = node.Input[0];
        }
        return (null, $"{what} are not computed from a Range in the with-past branch");
    }

    /// <summary>An Add or Sub of one integer constant: the shift it applies and the computed operand; null otherwise.</summary>
    private static (long Shift, string Shifted)? ShiftOf(WithPastBranch branch, NodeProto node)
    {
        long? first = branch.UniformIntegerConstant(node.Input[0]), second = branch.UniformIntegerConstant(node.Input[1]);
        if (first is null && second is { } shift) return (node.OpType == "Add" ? shift : -shift, node.Input[0]);
        if (first is { } addend && second is null && node.OpType == "Add") return (addend, node.Input[1]);
        return null;
    }

    /// <summary>
    /// The constant the Range's start adds to the past length (0 as BART exports it: the Range starts at the past
    /// length). A start shifted by constants must be shifted from the past length itself — the size of a decoder
    /// past key/value's sequence axis — or the positions would be guessed wrong; anything else is refused.
    /// </summary>
    private static (long Shift, string? Problem) StartShift(WithPastBranch branch, string start)
    {
        long shift = 0;
        string current = start;
        while (branch.ProducerOf(current) is { } node)
        {
            if (node.OpType is "Add" or "Sub" && ShiftOf(branch, node) is { } step)
            {
                shift += step.Shift;
                current = step.Shifted;
            }
            else if (ValuePreserving.Contains(node.OpType)) current = node.Input[0];
            else break;
        }
        if (shift == 0) return (0, null);
        return IsPastLength(branch, current)
            ? (shift, null)
            : (0, $"the position Range starts {shift:+#;-#} from a value not recognised as the past length");
    }

    /// <summary><c>Gather(Shape(past), 2)</c>, <c>Shape(past, start=2, end=3)</c> or <c>Slice(Shape(past), 2, 3)</c> of a decoder past key/value.</summary>
    private static bool IsPastLength(WithPastBranch branch, string value)
    {
        var node = branch.ProducerOf(value);
        string? shape = node switch
        {
            { OpType: "Gather" } when branch.UniformIntegerConstant(node.Input[1]) == 2 => node.Input[0],
            { OpType: "Slice" } when node.Input.Count >= 3 && branch.UniformIntegerConstant(node.Input[1]) == 2
                && branch.UniformIntegerConstant(node.Input[2]) == 3 => node.Input[0],
            { OpType: "Shape" } when Int(node, "start") == 2 && Int(node, "end") == 3 => value,
            _ => null,
        };
        if (shape is null || branch.ProducerOf(shape) is not { OpType: "Shape" } shapeNode) return false;
        if (shapeNode != node && (Int(shapeNode, "start") ?? 0) != 0) return false;
        string source = shapeNode.Input[0];
        return DecoderPastInputs(branch).Contains(source);
    }

    /// <summary>The decoder past key/value inputs, under every name the branch may read them by.</summary>
    private static HashSet<string> DecoderPastInputs(WithPastBranch branch) =>
        branch.Graph.Node.SelectMany(n => n.Input)
            .Where(name => name.StartsWith("past_key_values.", StringComparison.Ordinal) && name.Contains(".decoder.", StringComparison.Ordinal))
            .Distinct()
            .SelectMany(name => branch.Aliases(name.Split('/')[0]))
            .ToHashSet(StringComparer.Ordinal);

    private static long? Int(NodeProto node, string attribute) => node.Attribute.FirstOrDefault(a => a.Name == attribute)?.I;

    private static long Axis(NodeProto gather) => gather.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0;
}
