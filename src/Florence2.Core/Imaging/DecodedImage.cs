using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Imaging;

/// <summary>
/// An upload decoded to 8-bit RGB (alpha dropped, metadata and EXIF orientation ignored). Owns the pixel buffer:
/// dispose it as soon as the tensor is written, the buffers come from ImageSharp's pooled allocator.
/// </summary>
public sealed class DecodedImage : IDisposable
{
    /// <summary>Takes ownership of <paramref name="pixels"/>.</summary>
    /// <param name="pixels">The decoded pixels.</param>
    /// <param name="formatName">The detected container format, for logs (e.g. "JPEG").</param>
    public DecodedImage(Image<Rgb24> pixels, string formatName)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        Pixels = pixels;
        FormatName = formatName;
    }

    /// <summary>Stored width: the original size that post-processing scales coordinates back to.</summary>
    public int Width => Pixels.Width;

    /// <summary>Stored height.</summary>
    public int Height => Pixels.Height;

    /// <summary>Width and height together.</summary>
    public ImageSize Size => new(Width, Height);

    /// <summary>The detected container format ("JPEG", "PNG" or "WEBP").</summary>
    public string FormatName { get; }

    /// <summary>The decoded pixels.</summary>
    public Image<Rgb24> Pixels { get; }

    /// <inheritdoc/>
    public void Dispose() => Pixels.Dispose();
}
