using Florence2.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Serving;

/// <summary>A small synthetic picture for warm-up: a gradient, so the vision path sees varied pixels.</summary>
internal static class WarmUpImage
{
    public static PreparedImage Create(ImagePreprocessor images)
    {
        using var pixels = new Image<Rgb24>(64, 48);
        for (int y = 0; y < pixels.Height; y++)
            for (int x = 0; x < pixels.Width; x++)
                pixels[x, y] = new Rgb24((byte)(x * 4), (byte)(y * 5), (byte)((x + y) * 2));
        using var decoded = new DecodedImage(pixels.Clone(), "generated");
        return images.Prepare(decoded);
    }
}
