using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>Images generated in code (no binary files in the repository).</summary>
public static class TestImages
{
    public static byte[] Png(int width = 640, int height = 480, int seed = 1) => Encode(width, height, seed, (image, stream) => image.SaveAsPng(stream));

    public static byte[] Jpeg(int width = 640, int height = 480, int seed = 1) => Encode(width, height, seed, (image, stream) => image.SaveAsJpeg(stream));

    public static byte[] Webp(int width = 64, int height = 48, int seed = 1) => Encode(width, height, seed, (image, stream) => image.SaveAsWebp(stream));

    public static byte[] Bmp(int width = 16, int height = 16) => Encode(width, height, 1, (image, stream) => image.SaveAsBmp(stream));

    public static byte[] Gif(int width = 16, int height = 16) => Encode(width, height, 1, (image, stream) => image.SaveAsGif(stream));

    public static byte[] Tiff(int width = 16, int height = 16) => Encode(width, height, 1, (image, stream) => image.SaveAsTiff(stream));

    public static byte[] Tga(int width = 16, int height = 16) => Encode(width, height, 1, (image, stream) => image.SaveAsTga(stream));

    private static byte[] Encode(int width, int height, int seed, Action<Image<Rgb24>, Stream> save)
    {
        var random = new Random(seed);
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(x * 255 / Math.Max(1, width - 1)), (byte)(y * 255 / Math.Max(1, height - 1)), (byte)random.Next(256));
        using var stream = new MemoryStream();
        save(image, stream);
        return stream.ToArray();
    }
}
