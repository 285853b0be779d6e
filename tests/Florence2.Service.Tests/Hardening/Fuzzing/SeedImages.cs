using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Service.Tests.Hardening.Fuzzing;

/// <summary>
/// Small valid images in every encoder variant the decoder path must handle (PNG colour types and bit depths,
/// interlacing, JPEG subsampling and grayscale, lossy and lossless WebP). Generated in code so the repository holds no
/// binary blobs; shared by the fuzz harness (written as the AFL seed corpus) and the in-process replay test.
/// </summary>
public static class SeedImages
{
    /// <summary>Every seed, keyed by a file-name-safe name with the right extension.</summary>
    public static IReadOnlyDictionary<string, byte[]> All() => new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
    {
        ["rgb.png"] = Encode<Rgb24>(13, 7, new PngEncoder { ColorType = PngColorType.Rgb }),
        ["rgba.png"] = Encode<Rgba32>(9, 9, new PngEncoder { ColorType = PngColorType.RgbWithAlpha }),
        ["gray.png"] = Encode<L8>(16, 5, new PngEncoder { ColorType = PngColorType.Grayscale }),
        ["gray16.png"] = Encode<L16>(6, 6, new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit16 }),
        ["palette.png"] = Encode<Rgb24>(12, 12, new PngEncoder { ColorType = PngColorType.Palette, BitDepth = PngBitDepth.Bit4 }),
        ["interlaced.png"] = Encode<Rgb24>(17, 11, new PngEncoder { ColorType = PngColorType.Rgb, InterlaceMethod = PngInterlaceMode.Adam7 }),
        ["q90-444.jpg"] = Encode<Rgb24>(16, 16, new JpegEncoder { Quality = 90, ColorType = JpegColorType.YCbCrRatio444 }),
        ["q50-420.jpg"] = Encode<Rgb24>(24, 17, new JpegEncoder { Quality = 50, ColorType = JpegColorType.YCbCrRatio420 }),
        ["gray.jpg"] = Encode<L8>(8, 8, new JpegEncoder { ColorType = JpegColorType.Luminance }),
        ["lossy.webp"] = Encode<Rgb24>(16, 12, new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 60 }),
        ["lossless.webp"] = Encode<Rgba32>(10, 10, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }),
    };

    /// <summary>Writes every seed into <paramref name="directory"/> (created if missing); returns how many were written.</summary>
    public static int WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        var seeds = All();
        foreach (var (name, bytes) in seeds) File.WriteAllBytes(Path.Combine(directory, name), bytes);
        return seeds.Count;
    }

    // A gradient plus a deterministic pattern: enough structure that every encoder emits non-trivial entropy-coded data.
    private static byte[] Encode<TPixel>(int width, int height, IImageEncoder encoder) where TPixel : unmanaged, IPixel<TPixel>
    {
        using var image = new Image<TPixel>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var colour = new Rgba32((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)((x * 31 + y * 17) & 0xFF), (byte)(255 - x * 8));
                TPixel pixel = default;
                pixel.FromRgba32(colour);
                image[x, y] = pixel;
            }
        }

        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }
}
