using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Florence2.Inference;

/// <summary>
/// Tensor plumbing between the model graphs (row gathers for beam reordering, concatenation of image and prompt
/// embeddings, padding and trimming caches for requests that join a running batch) done by tiny ONNX graphs on the same execution provider, so device-resident values never round-trip
/// through managed memory and CPU and CUDA share one code path.
/// </summary>
internal sealed class TensorOps(Func<SessionOptions> sessionOptions, OrtMemoryInfo deviceMemory) : IDisposable
{
    private readonly ConcurrentDictionary<string, InferenceSession> _sessions = new();

    /// <summary>Returns new values holding <c>value[indices[i]]</c> along axis 0 for every input value.</summary>
    public OrtValue[] GatherRows(IReadOnlyList<OrtValue> values, ReadOnlySpan<long> indices)
    {
        var types = values.Select(v => v.GetTensorTypeAndShape().ElementDataType).ToArray();
        var session = _sessions.GetOrAdd("gather:" + string.Join(",", types), _ => Create(BuildGather(types)));
        using var indexValue = OrtValue.CreateTensorValueFromMemory(indices.ToArray(), [indices.Length]);
        using var binding = session.CreateIoBinding();
        binding.BindInput("indices", indexValue);
        for (int i = 0; i < values.Count; i++)
        {
            binding.BindInput($"x{i}", values[i]);
            binding.BindOutputToDevice($"y{i}", deviceMemory);
        }
        using var runOptions = new RunOptions();
        return [.. session.RunWithBoundResults(runOptions, binding)];
    }

    /// <summary>Concatenates two tensors of one element type along <paramref name="axis"/>.</summary>
    public OrtValue Concat(OrtValue first, OrtValue second, int axis)
    {
        var type = first.GetTensorTypeAndShape().ElementDataType;
        var session = _sessions.GetOrAdd($"concat:{type}:{axis}", _ => Create(BuildConcat(type, axis)));
        return RunOne(session, ("a", first), ("b", second));
    }

    /// <summary>
    /// <paramref name="value"/> with <paramref name="before"/> zeros in front of and <paramref name="after"/> zeros
    /// behind its entries along <paramref name="axis"/> (rank <paramref name="rank"/>).
    /// </summary>
    public OrtValue PadWithZeros(OrtValue value, int rank, int axis, long before, long after)
    {
        var type = value.GetTensorTypeAndShape().ElementDataType;
        var session = _sessions.GetOrAdd($"pad:{type}", _ => Create(BuildPad(type)));
        var pads = new long[2 * rank];
        pads[axis] = before;
        pads[rank + axis] = after;
        using var padsValue = OrtValue.CreateTensorValueFromMemory(pads, [pads.Length]);
        return RunOne(session, ("x", value), ("pads", padsValue));
    }

    /// <summary><paramref name="value"/> without its first <paramref name="start"/> entries along <paramref name="axis"/>.</summary>
    public OrtValue DropLeading(OrtValue value, int axis, long start)
    {
        var type = value.GetTensorTypeAndShape().ElementDataType;
        var session = _sessions.GetOrAdd($"slice:{type}", _ => Create(BuildSlice(type)));
        using var starts = OrtValue.CreateTensorValueFromMemory(new[] { start }, [1]);
        using var ends = OrtValue.CreateTensorValueFromMemory(new[] { long.MaxValue }, [1]);
        using var axes = OrtValue.CreateTensorValueFromMemory(new[] { (long)axis }, [1]);
        return RunOne(session, ("x", value), ("starts", starts), ("ends", ends), ("axes", axes));
    }

    private OrtValue RunOne(InferenceSession session, params (string Name, OrtValue Value)[] inputs)
    {
        using var binding = session.CreateIoBinding();
        foreach (var (name, value) in inputs) binding.BindInput(name, value);
        binding.BindOutputToDevice("y", deviceMemory);
        using var runOptions = new RunOptions();
        return session.RunWithBoundResults(runOptions, binding).Single();
    }

    private int _disposed;

    public void Dispose()
    {
        // Idempotent: releasing a native session twice corrupts the heap.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        foreach (var session in _sessions.Values) session.Dispose();
        _sessions.Clear();
    }

    private InferenceSession Create(ModelProto model)
    {
        using var options = sessionOptions();
        return new InferenceSession(model.ToByteArray(), options);
    }

    private static ModelProto BuildGather(IReadOnlyList<TensorElementType> types)
    {
        var graph = new GraphProto { Name = "gather_rows" };
        graph.Input.Add(AnyShape("indices", TensorElementType.Int64));
        for (int i = 0; i < types.Count; i++)
        {
            graph.Input.Add(AnyShape($"x{i}", types[i]));
            graph.Output.Add(AnyShape($"y{i}", types[i]));
            var node = new NodeProto { OpType = "Gather", Name = $"gather{i}" };
            node.Input.Add($"x{i}");
            node.Input.Add("indices");
            node.Output.Add($"y{i}");
            node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
            graph.Node.Add(node);
        }
        return Wrap(graph);
    }

    private static ModelProto BuildConcat(TensorElementType type, int axis)
    {
        var node = SingleNode("Concat", ["a", "b"]);
        node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = axis });
        return SingleNodeModel(node, type, ("a", type), ("b", type));
    }

    private static ModelProto BuildPad(TensorElementType type) =>
        SingleNodeModel(SingleNode("Pad", ["x", "pads"]), type, ("x", type), ("pads", TensorElementType.Int64));

    private static ModelProto BuildSlice(TensorElementType type) =>
        SingleNodeModel(SingleNode("Slice", ["x", "starts", "ends", "axes"]), type,
            ("x", type), ("starts", TensorElementType.Int64), ("ends", TensorElementType.Int64), ("axes", TensorElementType.Int64));

    private static NodeProto SingleNode(string opType, string[] inputs)
    {
        var node = new NodeProto { OpType = opType, Name = opType.ToLowerInvariant() };
        node.Input.Add(inputs);
        node.Output.Add("y");
        return node;
    }

    /// <summary>A graph of <paramref name="node"/> alone, whose output "y" has <paramref name="outputType"/>.</summary>
    private static ModelProto SingleNodeModel(NodeProto node, TensorElementType outputType, params (string Name, TensorElementType Type)[] inputs)
    {
        var graph = new GraphProto { Name = node.Name };
        foreach (var (name, type) in inputs) graph.Input.Add(AnyShape(name, type));
        graph.Output.Add(AnyShape("y", outputType));
        graph.Node.Add(node);
        return Wrap(graph);
    }

    private static ModelProto Wrap(GraphProto graph)
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "Florence2.Core", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    /// <summary>A tensor value of the given element type whose rank and shape are left open.</summary>
    private static ValueInfoProto AnyShape(string name, TensorElementType type) => new()
    {
        Name = name,
        // ONNX's TensorProto.DataType numbering is the one ONNX Runtime's TensorElementType uses.
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } },
    };
}
