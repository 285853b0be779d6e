using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Florence2.Imaging;

/// <summary>
/// The two 8-bit passes of Pillow's resampler (<c>ImagingResampleHorizontal_8bpc</c> / <c>ImagingResampleVertical_8bpc</c>)
/// for packed RGB. The vector paths compute exactly the same 32-bit integer sums as the scalar C code: the products are
/// the same, integer addition is exact (and wraps identically), so only the order of work differs, never a result bit.
/// </summary>
internal static class FixedPointPasses
{
    /// <summary>Filters rows <paramref name="firstRow"/>.. of <paramref name="source"/> along x into <paramref name="destination"/>.</summary>
    public static void Horizontal<TRows>(TRows source, BicubicAxisWeights weights, int firstRow, Span<byte> destination)
        where TRows : IRgbRows, allows ref struct
    {
        int rowBytes = weights.OutSize * 3;
        int rows = destination.Length / rowBytes;
        for (int y = 0; y < rows; y++)
        {
            HorizontalRow(source.Row(firstRow + y), weights, destination.Slice(y * rowBytes, rowBytes));
        }
    }

    /// <summary>
    /// Filters along y. <paramref name="sourceRowOffset"/> is the source row that row 0 of <paramref name="source"/> holds
    /// (Pillow's ybox_first when the source is the horizontal pass's trimmed intermediate image).
    /// </summary>
    public static void Vertical<TRows>(TRows source, BicubicAxisWeights weights, int sourceRowOffset, Span<byte> destination)
        where TRows : IRgbRows, allows ref struct
    {
        int rowBytes = source.Width * 3;
        int[] rented = System.Buffers.ArrayPool<int>.Shared.Rent(rowBytes);
        try
        {
            Span<int> sums = rented.AsSpan(0, rowBytes);
            for (int y = 0; y < weights.OutSize; y++)
            {
                // Whole rows are accumulated tap by tap (instead of pixel by pixel) so memory is read linearly.
                sums.Fill(BicubicAxisWeights.RoundingHalf);
                int first = weights.First[y] - sourceRowOffset;
                ReadOnlySpan<int> k = weights.Weights.AsSpan(y * weights.Stride, weights.Count[y]);
                for (int t = 0; t < k.Length; t++)
                {
                    MultiplyAdd(source.Row(first + t), k[t], sums);
                }

                ClipRow(sums, destination.Slice(y * rowBytes, rowBytes));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(rented);
        }
    }

    private static void HorizontalRow(ReadOnlySpan<byte> input, BicubicAxisWeights weights, Span<byte> output)
    {
        ref byte inputStart = ref MemoryMarshal.GetReference(input);
        ref int weightStart = ref MemoryMarshal.GetArrayDataReference(weights.Weights);
        int stride = weights.Stride;
        for (int x = 0; x < weights.OutSize; x++)
        {
            int first = weights.First[x];
            int taps = weights.Count[x];
            ref byte pixel = ref Unsafe.Add(ref inputStart, first * 3);
            ref int k = ref Unsafe.Add(ref weightStart, x * stride);

            // The vector path reads 4 bytes per pixel (R, G, B + the next pixel's R), so the window must not end on
            // the row's last pixel; those few outputs at the right edge take the scalar path.
            if (Vector128.IsHardwareAccelerated && first + taps < input.Length / 3)
            {
                Vector128<int> sum = Vector128.Create(BicubicAxisWeights.RoundingHalf);
                for (int t = 0; t < taps; t++)
                {
                    uint rgbx = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref pixel, t * 3));
                    Vector128<int> channels = Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(rgbx).AsByte())).AsInt32();
                    sum += channels * Unsafe.Add(ref k, t);
                }

                output[3 * x] = Clip8(sum.GetElement(0));
                output[(3 * x) + 1] = Clip8(sum.GetElement(1));
                output[(3 * x) + 2] = Clip8(sum.GetElement(2));
            }
            else
            {
                int r = BicubicAxisWeights.RoundingHalf, g = r, b = r;
                for (int t = 0; t < taps; t++)
                {
                    int w = Unsafe.Add(ref k, t);
                    ref byte p = ref Unsafe.Add(ref pixel, t * 3);
                    r += p * w;
                    g += Unsafe.Add(ref p, 1) * w;
                    b += Unsafe.Add(ref p, 2) * w;
                }

                output[3 * x] = Clip8(r);
                output[(3 * x) + 1] = Clip8(g);
                output[(3 * x) + 2] = Clip8(b);
            }
        }
    }

    private static void MultiplyAdd(ReadOnlySpan<byte> row, int weight, Span<int> sums)
    {
        if (row.Length < sums.Length)
        {
            throw new ArgumentException("Row shorter than the accumulator.", nameof(row));
        }

        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            ref byte rowStart = ref MemoryMarshal.GetReference(row);
            ref int sumStart = ref MemoryMarshal.GetReference(sums);
            var w = Vector128.Create(weight);
            for (; i <= sums.Length - 16; i += 16)
            {
                Vector128<byte> bytes = Vector128.LoadUnsafe(ref rowStart, (nuint)i);
                (Vector128<ushort> low, Vector128<ushort> high) = Vector128.Widen(bytes);
                (Vector128<uint> a, Vector128<uint> b) = Vector128.Widen(low);
                (Vector128<uint> c, Vector128<uint> d) = Vector128.Widen(high);
                ref int s = ref Unsafe.Add(ref sumStart, i);
                (Vector128.LoadUnsafe(ref s) + (a.AsInt32() * w)).StoreUnsafe(ref s);
                (Vector128.LoadUnsafe(ref s, 4) + (b.AsInt32() * w)).StoreUnsafe(ref s, 4);
                (Vector128.LoadUnsafe(ref s, 8) + (c.AsInt32() * w)).StoreUnsafe(ref s, 8);
                (Vector128.LoadUnsafe(ref s, 12) + (d.AsInt32() * w)).StoreUnsafe(ref s, 12);
            }
        }

        for (; i < sums.Length; i++)
        {
            sums[i] += row[i] * weight;
        }
    }

    private static void ClipRow(ReadOnlySpan<int> sums, Span<byte> output)
    {
        for (int i = 0; i < output.Length; i++)
        {
            output[i] = Clip8(sums[i]);
        }
    }

    /// <summary>Pillow's clip8: drop the fraction bits (arithmetic shift) and clamp to 0..255.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clip8(int fixedPointSum) =>
        (byte)Math.Clamp(fixedPointSum >> BicubicAxisWeights.PrecisionBits, 0, 255);
}
