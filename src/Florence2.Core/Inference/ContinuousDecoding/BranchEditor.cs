using Onnx;

namespace Florence2.Inference.ContinuousDecoding;

/// <summary>
/// Adds nodes to the with-past branch under model-unique names prefixed <c>florence2_continuous/</c>. Nodes that read
/// only outer values and constants go to a prologue at the branch's start; nodes that read a branch value go right
/// before the node that will read them, so the node list stays topologically sorted.
/// </summary>
internal sealed class BranchEditor(GraphProto branch, HashSet<string> usedNames)
{
    private const string Prefix = "florence2_continuous/";
    private readonly List<NodeProto> _prologue = [];
    private int _counter;

    /// <summary>Adds a prologue node; returns its output.</summary>
    public string Prologue(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = NewNode(opType, inputs, attributes);
        _prologue.Add(node);
        return node.Output[0];
    }

    /// <summary>Adds a node just before <paramref name="reader"/>; returns its output.</summary>
    public string Before(NodeProto reader, string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var node = NewNode(opType, inputs, attributes);
        int index = IndexOf(reader);
        branch.Node.Insert(index, node);
        return node.Output[0];
    }

    /// <summary>A prologue Constant holding int64 <paramref name="values"/> (a scalar when <paramref name="scalar"/>).</summary>
    public string Int64s(bool scalar, params long[] values)
    {
        string output = Fresh("const");
        var value = new AttributeProto
        {
            Name = "value",
            Type = AttributeProto.Types.AttributeType.Tensor,
            T = OnnxTensorValues.Int64s(output, scalar, values),
        };
        _prologue.Add(Node("Constant", [], output, value));
        return output;
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>Puts the prologue at the start of the branch.</summary>
    public void Commit()
    {
        for (int i = _prologue.Count - 1; i >= 0; i--) branch.Node.Insert(0, _prologue[i]);
        _prologue.Clear();
    }

    /// <summary>Points every read of <paramref name="from"/> in the branch (and subgraphs inside it) at <paramref name="to"/>.</summary>
    public void ReplaceReads(string from, string to)
    {
        foreach (var node in OnnxGraphs.All(branch).SelectMany(g => g.Node))
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == from) node.Input[i] = to;
    }

    private NodeProto NewNode(string opType, IEnumerable<string> inputs, AttributeProto[] attributes) =>
        Node(opType, inputs, Fresh(opType), attributes);

    private NodeProto Node(string opType, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = Fresh(opType + "_node") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private string Fresh(string hint)
    {
        while (true)
        {
            string name = $"{Prefix}{hint}_{++_counter}";
            if (usedNames.Add(name)) return name;
        }
    }

    private int IndexOf(NodeProto node)
    {
        for (int i = 0; i < branch.Node.Count; i++)
            if (ReferenceEquals(branch.Node[i], node)) return i;
        throw new InvalidOperationException($"Node '{node.Name}' is not in the with-past branch.");
    }
}
