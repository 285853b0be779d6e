using System.Buffers;
using System.Runtime.CompilerServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Imaging;

/// <summary>
/// Bit-exact port of Pillow's <c>Image.resize(size, Image.BICUBIC)</c> for 8-bit RGB (libImaging/Resample.c,
/// <c>ImagingResampleInner</c> with the 8bpc passes). This is what HF's CLIPImageProcessor runs for Florence-2.
/// <list type="bullet">
/// <item>Separable: a horizontal pass (only if the width changes) into an intermediate 8-bit image holding just the
/// source rows the vertical pass will read, then a vertical pass (only if the height changes).</item>
/// <item>Keys cubic, a = −0.5, support 2 × max(1, in/out) so shrinking is antialiased; taps centred on (i + 0.5) × in/out.</item>
/// <item>Weights normalised per output pixel, converted to fixed point with 22 fractional bits; sums start at 2^21 and
/// are shifted and clamped to 0..255 after each pass (Pillow's <c>clip8</c>).</item>
/// </list>
/// Not Pillow's <c>reducing_gap</c>/<c>reduce()</c> shortcut: HF calls <c>resize</c> without it. Stateless apart from
/// the target size, so one instance can serve all threads.
/// </summary>
public sealed class PilBicubicResizer
{
    /// <summary>Creates a resizer to a fixed output size.</summary>
    public PilBicubicResizer(int targetWidth, int targetHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetHeight);
        TargetWidth = targetWidth;
        TargetHeight = targetHeight;
    }

    /// <summary>Output width.</summary>
    public int TargetWidth { get; }

    /// <summary>Output height.</summary>
    public int TargetHeight { get; }

    /// <summary>Bytes <see cref="Resize(Image{Rgb24}, Span{byte})"/> writes: TargetWidth × TargetHeight × 3.</summary>
    public int OutputLength => TargetWidth * TargetHeight * 3;

    /// <summary>Resizes <paramref name="source"/> into <paramref name="destination"/>, packed R, G, B row-major bytes.</summary>
    public void Resize(Image<Rgb24> source, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        Resize(new ImageSharpRgbRows(source), destination);
    }

    /// <summary>Resizes a packed RGB buffer of <paramref name="sourceWidth"/> × <paramref name="sourceHeight"/> pixels.</summary>
    public void Resize(ReadOnlySpan<byte> sourceRgb, int sourceWidth, int sourceHeight, Span<byte> destination) =>
        Resize(new PackedRgbRows(sourceRgb, sourceWidth, sourceHeight), destination);

    private void Resize<TRows>(TRows source, Span<byte> destination)
        where TRows : IRgbRows, allows ref struct
    {
        if (destination.Length != OutputLength)
        {
            throw new ArgumentException($"Destination must hold exactly {OutputLength} bytes.", nameof(destination));
        }

        bool needHorizontal = source.Width != TargetWidth;
        bool needVertical = source.Height != TargetHeight;
        int rowBytes = TargetWidth * 3;

        if (!needHorizontal)
        {
            if (needVertical)
            {
                VerticalPass(source, BicubicAxisWeights.Create(source.Height, TargetHeight), sourceRowOffset: 0, destination);
            }
            else
            {
                for (int y = 0; y < TargetHeight; y++)
                {
                    source.Row(y).CopyTo(destination.Slice(y * rowBytes, rowBytes));
                }
            }

            return;
        }

        var horizontal = BicubicAxisWeights.Create(source.Width, TargetWidth);
        if (!needVertical)
        {
            HorizontalPass(source, horizontal, firstRow: 0, destination);
            return;
        }

        // Like Pillow, only the source rows some output row reads are resampled horizontally.
        var vertical = BicubicAxisWeights.Create(source.Height, TargetHeight);
        int firstRow = vertical.FirstUsed;
        int rows = vertical.EndUsed - firstRow;
        byte[] rented = ArrayPool<byte>.Shared.Rent(rows * rowBytes);
        try
        {
            Span<byte> intermediate = rented.AsSpan(0, rows * rowBytes);
            HorizontalPass(source, horizontal, firstRow, intermediate);
            VerticalPass(new PackedRgbRows(intermediate, TargetWidth, rows), vertical, sourceRowOffset: firstRow, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>ImagingResampleHorizontal_8bpc: each output row is one source row (from <paramref name="firstRow"/> on) filtered along x.</summary>
    private static void HorizontalPass<TRows>(TRows source, BicubicAxisWeights weights, int firstRow, Span<byte> destination)
        where TRows : IRgbRows, allows ref struct
    {
        int outWidth = weights.OutSize;
        int rowBytes = outWidth * 3;
        int rows = destination.Length / rowBytes;
        ReadOnlySpan<int> first = weights.First;
        ReadOnlySpan<int> count = weights.Count;
        ReadOnlySpan<int> allWeights = weights.Weights;
        int stride = weights.Stride;

        for (int y = 0; y < rows; y++)
        {
            ReadOnlySpan<byte> input = source.Row(firstRow + y);
            Span<byte> output = destination.Slice(y * rowBytes, rowBytes);
            for (int x = 0; x < outWidth; x++)
            {
                int taps = count[x];
                ReadOnlySpan<int> k = allWeights.Slice(x * stride, taps);
                ReadOnlySpan<byte> pixels = input.Slice(first[x] * 3, taps * 3);
                int r = BicubicAxisWeights.RoundingHalf, g = r, b = r;
                for (int t = 0; t < k.Length; t++)
                {
                    int w = k[t];
                    r += pixels[3 * t] * w;
                    g += pixels[(3 * t) + 1] * w;
                    b += pixels[(3 * t) + 2] * w;
                }

                output[3 * x] = Clip8(r);
                output[(3 * x) + 1] = Clip8(g);
                output[(3 * x) + 2] = Clip8(b);
            }
        }
    }

    /// <summary>
    /// ImagingResampleVertical_8bpc. Accumulates whole rows (tap by tap into an int row) instead of pixel by pixel:
    /// integer addition is exact, so the order does not change a single bit, and the row-wise loop reads memory linearly.
    /// </summary>
    private static void VerticalPass<TRows>(TRows source, BicubicAxisWeights weights, int sourceRowOffset, Span<byte> destination)
        where TRows : IRgbRows, allows ref struct
    {
        int rowBytes = source.Width * 3;
        int[] rented = ArrayPool<int>.Shared.Rent(rowBytes);
        try
        {
            Span<int> sums = rented.AsSpan(0, rowBytes);
            for (int y = 0; y < weights.OutSize; y++)
            {
                sums.Fill(BicubicAxisWeights.RoundingHalf);
                int first = weights.First[y] - sourceRowOffset;
                ReadOnlySpan<int> k = weights.Weights.AsSpan(y * weights.Stride, weights.Count[y]);
                for (int t = 0; t < k.Length; t++)
                {
                    MultiplyAdd(source.Row(first + t), k[t], sums);
                }

                Span<byte> output = destination.Slice(y * rowBytes, rowBytes);
                for (int i = 0; i < output.Length; i++)
                {
                    output[i] = Clip8(sums[i]);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    private static void MultiplyAdd(ReadOnlySpan<byte> row, int weight, Span<int> sums)
    {
        for (int i = 0; i < sums.Length; i++)
        {
            sums[i] += row[i] * weight;
        }
    }

    /// <summary>Pillow's clip8: drop the fraction bits (arithmetic shift) and clamp to 0..255.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clip8(int fixedPointSum)
    {
        int value = fixedPointSum >> BicubicAxisWeights.PrecisionBits;
        return (byte)Math.Clamp(value, 0, 255);
    }
}
