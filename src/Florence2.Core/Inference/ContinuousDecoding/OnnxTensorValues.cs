using System.Runtime.InteropServices;
using Onnx;

namespace Florence2.Inference.ContinuousDecoding;

/// <summary>Reads small constant tensors (shape constants, index offsets) and builds the ones the rewrite adds.</summary>
internal static class OnnxTensorValues
{
    /// <summary>The values of an int64 or int32 tensor stored inline (raw_data or the typed field); null for other types.</summary>
    public static long[]? Integers(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External) return null;
        return (TensorProto.Types.DataType)tensor.DataType switch
        {
            TensorProto.Types.DataType.Int64 => tensor.RawData.IsEmpty
                ? [.. tensor.Int64Data]
                : MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray(),
            TensorProto.Types.DataType.Int32 => tensor.RawData.IsEmpty
                ? [.. tensor.Int32Data.Select(v => (long)v)]
                : [.. MemoryMarshal.Cast<byte, int>(tensor.RawData.Span).ToArray().Select(v => (long)v)],
            _ => null,
        };
    }

    /// <summary>An int64 tensor: a scalar when <paramref name="scalar"/>, else 1-D.</summary>
    public static TensorProto Int64s(string name, bool scalar, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        if (!scalar) tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }

    /// <summary>True when any tensor of the model (initializers and Constant values, in every graph) lives in an external file.</summary>
    public static bool UsesExternalData(ModelProto model) => OnnxGraphs.All(model.Graph).Any(graph =>
        graph.Initializer.Any(IsExternal)
        || graph.Node.SelectMany(n => n.Attribute).Any(a => (a.T is { } t && IsExternal(t)) || a.Tensors.Any(IsExternal)));

    private static bool IsExternal(TensorProto tensor) =>
        tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0;
}
