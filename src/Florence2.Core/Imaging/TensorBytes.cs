using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Florence2.Imaging;

/// <summary>A float tensor as the bytes numpy writes for dtype <c>&lt;f4</c>, so a tensor can be compared with Python's.</summary>
public static class TensorBytes
{
    /// <summary>The values as IEEE-754 float32, little-endian, in order.</summary>
    public static byte[] LittleEndian(ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            return MemoryMarshal.AsBytes(values).ToArray();
        }

        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return bytes;
    }
}
