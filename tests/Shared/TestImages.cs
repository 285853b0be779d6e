using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Tests;

/// <summary>Builds every test image in code, for every test project; nothing binary is committed.</summary>
public static class TestImages
{
    /// <summary>A Configuration with every 2.x format, used only to ENCODE the formats the service must refuse.</summary>
    public static Configuration AllFormats { get; } = Configuration.Default.Clone();

    public static Image<TPixel> Solid<TPixel>(int width, int height, TPixel color)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var image = new Image<TPixel>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = color;
            }
        }

        return image;
    }

    /// <summary>Deterministic noise: the hardest case for resampling and the most sensitive to decoder slips.</summary>
    public static Image<Rgb24> Noise(int width, int height, uint seed = 1)
    {
        byte[] bytes = LcgBytes(width * height * 3, seed);
        return Image.LoadPixelData<Rgb24>(bytes, width, height);
    }

    /// <summary>
    /// Bytes from the classic LCG state = (state * 1103515245 + 12345) mod 2^31, byte = (state >> 16) &amp; 0xFF.
    /// Chosen because it is trivial to reproduce in Python for cross-checks against Pillow.
    /// </summary>
    public static byte[] LcgBytes(int count, uint seed)
    {
        var bytes = new byte[count];
        uint state = seed;
        for (int i = 0; i < count; i++)
        {
            state = unchecked((state * 1103515245u) + 12345u) & 0x7FFFFFFFu;
            bytes[i] = (byte)((state >> 16) & 0xFF);
        }

        return bytes;
    }

    public static byte[] Encode(Image image, IImageEncoder encoder)
    {
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }

    public static byte[] Png(Image image) => Encode(image, new PngEncoder());

    public static byte[] Jpeg(Image image, int quality = 90) => Encode(image, new JpegEncoder { Quality = quality });

    public static byte[] Webp(Image image) => Encode(image, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });

    /// <summary>
    /// A structurally valid PNG whose IHDR declares <paramref name="width"/> × <paramref name="height"/> RGB pixels but
    /// whose IDAT holds only a few bytes: decoding it would have to allocate the declared size.
    /// </summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // colour type: truecolour RGB
        ihdr[10] = 0; // deflate
        ihdr[11] = 0; // adaptive filtering
        ihdr[12] = 0; // no interlace
        WriteChunk(stream, "IHDR", ihdr);
        WriteChunk(stream, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]); // zlib of one zero byte
        WriteChunk(stream, "IEND", []);
        return stream.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        stream.Write(crc);
    }

    // PNG's CRC-32 (polynomial 0xEDB88320), bitwise: tiny inputs only.
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    // Encoded pictures of a given size (a gradient, seeded noise in blue) for requests.
    public static byte[] Png(int width = 640, int height = 480, int seed = 1) => Encode(width, height, seed, (image, stream) => image.SaveAsPng(stream));

    public static byte[] Jpeg(int width = 640, int height = 480, int seed = 1) => Encode(width, height, seed, (image, stream) => image.SaveAsJpeg(stream));

    public static byte[] Webp(int width = 64, int height = 48, int seed = 1) => Encode(width, height, seed, (image, stream) => image.SaveAsWebp(stream));

    public static byte[] Bmp(int width = 16, int height = 16) => Encode(width, height, 1, (image, stream) => image.SaveAsBmp(stream));

    public static byte[] Gif(int width = 16, int height = 16) => Encode(width, height, 1, (image, stream) => image.SaveAsGif(stream));

    public static byte[] Tiff(int width = 16, int height = 16) => Encode(width, height, 1, (image, stream) => image.SaveAsTiff(stream));

    public static byte[] Tga(int width = 16, int height = 16) => Encode(width, height, 1, (image, stream) => image.SaveAsTga(stream));

    /// <summary>A gradient with seeded noise in blue, so different seeds give different pictures.</summary>
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
