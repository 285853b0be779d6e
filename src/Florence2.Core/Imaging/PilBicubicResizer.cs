using System.Buffers;
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
                FixedPointPasses.Vertical(source, BicubicAxisWeights.Create(source.Height, TargetHeight), sourceRowOffset: 0, destination);
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
            FixedPointPasses.Horizontal(source, horizontal, firstRow: 0, destination);
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
            FixedPointPasses.Horizontal(source, horizontal, firstRow, intermediate);
            FixedPointPasses.Vertical(new PackedRgbRows(intermediate, TargetWidth, rows), vertical, sourceRowOffset: firstRow, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
