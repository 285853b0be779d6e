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
        Fill(MemoryMarshal.Cast<byte, float>(bytes.AsSpan()), init, seed);
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

    private static void Fill(Span<float> values, WeightInit init, ulong seed)
    {
        switch (init)
        {
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
}
