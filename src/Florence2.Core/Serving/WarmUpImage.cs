using Florence2.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Serving;

/// <summary>A small synthetic picture for warm-up: a gradient, so the vision path sees varied pixels.</summary>
internal static class WarmUpImage
{
    /// <summary>The gradient shifted by <paramref name="variant"/>, so each row of a warm-up batch is its own image.</summary>
    public static PreparedImage Create(ImagePreprocessor images, int variant = 0)
    {
        using var pixels = new Image<Rgb24>(64, 48);
        for (int y = 0; y < pixels.Height; y++)
            for (int x = 0; x < pixels.Width; x++)
                pixels[x, y] = new Rgb24((byte)(x * 4 + variant), (byte)(y * 5), (byte)((x + y) * 2));
        using var decoded = new DecodedImage(pixels.Clone(), "generated");
        return images.Prepare(decoded);
    }
}
