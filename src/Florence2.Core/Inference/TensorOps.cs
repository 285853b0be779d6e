using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Florence2.Inference;

/// <summary>
/// Tensor plumbing between the model graphs (row gathers for beam reordering, concatenation of image and prompt
/// embeddings) done by tiny ONNX graphs on the same execution provider, so device-resident values never round-trip
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

    /// <summary>Concatenates two float tensors along <paramref name="axis"/>.</summary>
    public OrtValue Concat(OrtValue first, OrtValue second, int axis)
    {
        var session = _sessions.GetOrAdd("concat:" + axis, _ => Create(BuildConcat(axis)));
        using var binding = session.CreateIoBinding();
        binding.BindInput("a", first);
        binding.BindInput("b", second);
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

    private static ModelProto BuildConcat(int axis)
    {
        var graph = new GraphProto { Name = "concat" };
        graph.Input.Add(AnyShape("a", TensorElementType.Float));
        graph.Input.Add(AnyShape("b", TensorElementType.Float));
        graph.Output.Add(AnyShape("y", TensorElementType.Float));
        var node = new NodeProto { OpType = "Concat", Name = "concat" };
        node.Input.Add("a");
        node.Input.Add("b");
        node.Output.Add("y");
        node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = axis });
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
