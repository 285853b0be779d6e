using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Tasks;

/// <summary>A mask as a single-channel 8-bit PNG of the image's size: 255 inside, 0 outside.</summary>
public static class MaskPngEncoder
{
    private static readonly PngEncoder Encoder = new()
    {
        ColorType = PngColorType.Grayscale,
        BitDepth = PngBitDepth.Bit8,
        CompressionLevel = PngCompressionLevel.BestCompression,
    };

    public static byte[] Encode(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        using var image = new Image<L8>(mask.Width, mask.Height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var source = mask.Row(y);
                var target = rows.GetRowSpan(y);
                for (int x = 0; x < source.Length; x++) target[x] = new L8(source[x] == 0 ? (byte)0 : (byte)255);
            }
        });
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, Encoder);
        return stream.ToArray();
    }
}
