using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Imaging;

/// <summary>Row access to an interleaved 8-bit RGB raster, so the resampler can read ImageSharp images and plain buffers alike.</summary>
internal interface IRgbRows
{
    int Width { get; }

    int Height { get; }

    /// <summary>Row <paramref name="y"/> as Width × 3 bytes, R, G, B per pixel.</summary>
    ReadOnlySpan<byte> Row(int y);
}

/// <summary>Rows of a tightly packed buffer of Width × Height × 3 bytes.</summary>
internal readonly ref struct PackedRgbRows : IRgbRows
{
    private readonly ReadOnlySpan<byte> data;

    public PackedRgbRows(ReadOnlySpan<byte> data, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (data.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"Expected {width}x{height}x3 bytes, got {data.Length}.", nameof(data));
        }

        this.data = data;
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    public ReadOnlySpan<byte> Row(int y) => data.Slice(y * Width * 3, Width * 3);
}

/// <summary>Rows of an ImageSharp image, whose pixel memory may be split into several discontiguous blocks.</summary>
internal readonly struct ImageSharpRgbRows(Image<Rgb24> image) : IRgbRows
{
    public int Width => image.Width;

    public int Height => image.Height;

    public ReadOnlySpan<byte> Row(int y) => MemoryMarshal.AsBytes(image.DangerousGetPixelRowMemory(y).Span);
}
