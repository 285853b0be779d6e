using Onnx;

namespace Florence2.Inference.ContinuousDecoding;

/// <summary>
/// The then-branch of the merged decoder's <c>If(use_cache_branch)</c> — the with-past decoder — indexed for data-flow
/// searches: who produces and who reads each value, and which values are constants. Names not produced in the branch
/// are outer-scope values (the main graph's inputs and initializers), which ONNX lets a branch read by name.
/// </summary>
internal sealed class WithPastBranch
{
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);

    private WithPastBranch(GraphProto main, GraphProto graph)
    {
        Graph = graph;
        // Branch initializers shadow nothing (ONNX names are model-wide), so one table serves both scopes.
        foreach (var tensor in main.Initializer.Concat(graph.Initializer)) _initializers[tensor.Name] = tensor;
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output) _producers[output] = node;
            foreach (var input in node.Input.Where(i => i.Length > 0).Distinct())
            {
                if (!_readers.TryGetValue(input, out var readers)) _readers[input] = readers = [];
                readers.Add(node);
            }
        }
    }

    public GraphProto Graph { get; }

    /// <summary>Finds the then-branch of the main graph's If on <c>use_cache_branch</c>.</summary>
    /// <exception cref="RewriteRefusedException">There is no such If.</exception>
    public static WithPastBranch Find(ModelProto model)
    {
        var main = model.Graph;
        var ifNode = main.Node.FirstOrDefault(n => n.OpType == "If" && n.Input.Count == 1 && n.Input[0] == DecoderTensorNames.UseCacheBranch)
            ?? throw new RewriteRefusedException($"the decoder has no If node on '{DecoderTensorNames.UseCacheBranch}'");
        var thenBranch = ifNode.Attribute.FirstOrDefault(a => a.Name == "then_branch")?.G
            ?? throw new RewriteRefusedException($"the If on '{DecoderTensorNames.UseCacheBranch}' has no then_branch graph");
        return new WithPastBranch(main, thenBranch);
    }

    public NodeProto? ProducerOf(string value) => _producers.GetValueOrDefault(value);

    /// <summary>Nodes of the branch (not of nested subgraphs) that read <paramref name="value"/>, each once.</summary>
    public IReadOnlyList<NodeProto> ReadersOf(string value) => _readers.TryGetValue(value, out var readers) ? readers : [];

    /// <summary>An initializer of the main graph or of the branch.</summary>
    public TensorProto? Initializer(string name) => _initializers.GetValueOrDefault(name);

    /// <summary>The tensor behind <paramref name="value"/> when it is an initializer or a Constant node's output; else null.</summary>
    public TensorProto? ConstantTensor(string value) =>
        Initializer(value)
        ?? (ProducerOf(value) is { OpType: "Constant" } constant ? constant.Attribute.FirstOrDefault(a => a.Name == "value")?.T : null);

    /// <summary>The single integer every element of an int64/int32 constant holds, or null when it is not one.</summary>
    public long? UniformIntegerConstant(string value)
    {
        if (ConstantTensor(value) is not { } tensor) return null;
        long[] values = OnnxTensorValues.Integers(tensor) ?? [];
        return values.Length > 0 && values.All(v => v == values[0]) ? values[0] : null;
    }
}
