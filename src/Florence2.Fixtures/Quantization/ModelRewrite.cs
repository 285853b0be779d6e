using Florence2.Fixtures.Onnx;
using Onnx;

namespace Florence2.Fixtures.Quantization;

/// <summary>
/// Rewrites nodes of a finished model in place, across the main graph and every If branch (the merged decoder's
/// weights live in the main graph and are read by both branches). New initializers go to the main graph, so a weight
/// shared by two branches is quantized once.
/// </summary>
internal sealed class ModelRewrite
{
    private readonly Dictionary<string, TensorProto> _initializers;

    public ModelRewrite(ModelProto model)
    {
        Model = model;
        _initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public ModelProto Model { get; }

    /// <summary>The float32 initializer called <paramref name="name"/> of the given rank, or null (activations, int64 tables).</summary>
    public TensorProto? FloatWeight(string name, int rank) =>
        _initializers.TryGetValue(name, out var tensor) && tensor.DataType == (int)ElementType.Float && tensor.Dims.Count == rank
            ? tensor
            : null;

    public bool HasInitializer(string name) => _initializers.ContainsKey(name);

    public string AddInitializer(TensorProto tensor)
    {
        if (_initializers.TryAdd(tensor.Name, tensor)) Model.Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Every graph of the model: the main graph, then If branches (recursively).</summary>
    public IEnumerable<GraphProto> Graphs() => WithSubgraphs(Model.Graph);

    /// <summary>Replaces each node for which <paramref name="rewrite"/> returns nodes; null keeps the node.</summary>
    public void ReplaceNodes(Func<NodeProto, IReadOnlyList<NodeProto>?> rewrite)
    {
        foreach (var graph in Graphs().ToList())
        {
            var rewritten = new List<NodeProto>(graph.Node.Count);
            foreach (var node in graph.Node)
                rewritten.AddRange(rewrite(node) ?? [node]);
            graph.Node.Clear();
            graph.Node.AddRange(rewritten);
        }
    }

    /// <summary>Drops initializers no node reads any more (the float originals of quantized weights).</summary>
    public void RemoveUnusedInitializers()
    {
        var read = Graphs().SelectMany(g => g.Node).SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        read.UnionWith(Model.Graph.Output.Select(o => o.Name));
        foreach (var unused in Model.Graph.Initializer.Where(t => !read.Contains(t.Name)).ToList())
        {
            Model.Graph.Initializer.Remove(unused);
            _initializers.Remove(unused.Name);
        }
    }

    /// <summary>A node named after its first output (output names are unique model-wide, so the node name is too).</summary>
    public static NodeProto Node(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes) =>
        NodeIn("", opType, inputs, outputs, attributes);

    public static NodeProto NodeIn(string domain, string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Name = node.Output[0] + "/" + opType;
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static IEnumerable<GraphProto> WithSubgraphs(GraphProto graph)
    {
        yield return graph;
        foreach (var node in graph.Node)
            foreach (var attribute in node.Attribute.Where(a => a.G is not null))
                foreach (var nested in WithSubgraphs(attribute.G))
                    yield return nested;
    }
}
