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
    private readonly ILookup<string, string> _mainRenames;

    private WithPastBranch(GraphProto main, GraphProto graph)
    {
        Graph = graph;
        _mainRenames = main.Node.Where(n => n.OpType is "Cast" or "Identity" && n.Input.Count == 1)
            .SelectMany(n => n.Output.Select(output => (Input: n.Input[0], Output: output)))
            .ToLookup(p => p.Input, p => p.Output, StringComparer.Ordinal);
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

    /// <summary>
    /// <paramref name="input"/> and the names the main graph gives its value before the branches read it: fp16 exports
    /// made with keep_io_types cast every float input on entry, so the branch reads <c>past_key_values…/float16</c>.
    /// </summary>
    public IReadOnlyList<string> Aliases(string input)
    {
        var aliases = new List<string> { input };
        for (int i = 0; i < aliases.Count; i++)
            aliases.AddRange(_mainRenames[aliases[i]].Where(a => !aliases.Contains(a)));
        return aliases;
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
