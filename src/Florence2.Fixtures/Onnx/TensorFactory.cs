using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Florence2.Fixtures.Onnx;

/// <summary>Builds TensorProtos. Float data goes into raw_data (little-endian), wrapped without copying.</summary>
internal static class TensorFactory
{
    public static TensorProto Floats(string name, IReadOnlyList<long> shape, WeightInit init, ulong seed)
    {
        var count = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        var bytes = new byte[checked(count * sizeof(float))];
        Fill(MemoryMarshal.Cast<byte, float>(bytes.AsSpan()), init, seed, rowLength: shape.Count == 0 ? 1 : checked((int)shape[^1]));
        return WithRawData(name, ElementType.Float, shape, bytes);
    }

    public static TensorProto Int64s(string name, IReadOnlyList<long> shape, ReadOnlySpan<long> values)
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        return WithRawData(name, ElementType.Int64, shape, bytes);
    }

    public static TensorProto Float(string name, IReadOnlyList<long> shape, ReadOnlySpan<float> values)
    {
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        return WithRawData(name, ElementType.Float, shape, bytes);
    }

    /// <summary>A tensor of any element type from its little-endian bytes (quantized weights, float16 tables).</summary>
    public static TensorProto Raw(string name, ElementType type, IReadOnlyList<long> shape, byte[] bytes) =>
        WithRawData(name, type, shape, bytes);

    /// <summary>The float values of a float32 initializer, whether stored in raw_data or float_data.</summary>
    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataType != (int)ElementType.Float)
            throw new ArgumentException($"Tensor '{tensor.Name}' is not float32.", nameof(tensor));
        return tensor.RawData.IsEmpty ? [.. tensor.FloatData] : MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
    }

    private static TensorProto WithRawData(string name, ElementType type, IReadOnlyList<long> shape, byte[] bytes)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian; big-endian hosts are not supported.");
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(shape);
        // UnsafeWrap: the byte[] is owned by the tensor from here on; copying 150 MB tables would double memory.
        tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
        return tensor;
    }

    private static void Fill(Span<float> values, WeightInit init, ulong seed, int rowLength)
    {
        switch (init)
        {
            case WeightInit.EqualNormRows equalNorm:
                Fill(values, new WeightInit.Uniform(1f), seed, rowLength);
                for (var start = 0; start < values.Length; start += rowLength)
                    ScaleToNorm(values.Slice(start, rowLength), equalNorm.Norm);
                break;
            case WeightInit.Constant c:
                values.Fill(c.Value);
                break;
            case WeightInit.Uniform u:
                var rng = new SplitMix64(seed);
                for (var i = 0; i < values.Length; i++) values[i] = u.Limit * rng.NextSymmetric();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown initializer kind.");
        }
    }

    private static void ScaleToNorm(Span<float> row, float norm)
    {
        var sumOfSquares = 0.0;
        foreach (var v in row) sumOfSquares += v * (double)v;
        // A row of 16+ uniform draws is never all zero in practice; guard anyway rather than write NaNs.
        var scale = sumOfSquares > 0 ? (float)(norm / Math.Sqrt(sumOfSquares)) : 0f;
        for (var i = 0; i < row.Length; i++) row[i] *= scale;
    }
}
