using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Benchmark;

/// <summary>The one picture every phase uses: a deterministic 640×480 JPEG (gradients and blocks, ~30 KB).</summary>
internal static class BenchImage
{
    public const int Width = 640;
    public const int Height = 480;

    public static byte[] CreateJpeg()
    {
        using var image = new Image<Rgb24>(Width, Height);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                bool block = ((x / 80) + (y / 60)) % 2 == 0;
                image[x, y] = new Rgb24((byte)(x * 255 / Width), (byte)(y * 255 / Height), (byte)(block ? 200 : 40));
            }
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = 90 });
        return stream.ToArray();
    }
}
