using System.Buffers.Binary;
using System.Text;
using Florence2.Service.Tests.Infrastructure;

namespace Florence2.Service.Tests.Hardening.Corpus;

/// <summary>Hostile image bytes, made in code from small valid images: truncations, bit flips and lying headers.</summary>
public static class HostileImages
{
    /// <summary>The first <paramref name="fraction"/> of the bytes.</summary>
    public static byte[] Truncated(byte[] image, double fraction) => image[..(int)(image.Length * fraction)];

    /// <summary>
    /// <paramref name="flips"/> single-bit flips at positions drawn from a fixed seed, past the first 32 bytes so the
    /// format is still recognised and the corrupt data reaches the decoder proper (magic bytes are covered elsewhere).
    /// </summary>
    public static byte[] BitFlipped(byte[] image, int seed, int flips = 24)
    {
        var bytes = (byte[])image.Clone();
        var random = new Random(seed);
        for (int i = 0; i < flips; i++) bytes[32 + random.Next(bytes.Length - 32)] ^= (byte)(1 << random.Next(8));
        return bytes;
    }

    /// <summary>A valid tiny PNG whose IHDR (with a correct CRC) claims <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        var png = TestImages.Png(2, 2);
        const int ihdrData = 8 + 8;   // signature, then length + "IHDR"
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(ihdrData), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(ihdrData + 4), height);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(ihdrData + 13), Crc32.Compute(png.AsSpan(ihdrData - 4, 4 + 13)));
        return png;
    }

    /// <summary>A tiny baseline JPEG whose SOF0 frame header claims <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static byte[] JpegDeclaring(int width, int height)
    {
        var jpeg = TestImages.Jpeg(8, 8);
        int sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        if (sof < 0) throw new InvalidOperationException("The encoder wrote no SOF0 marker.");
        // FF C0, length (2), precision (1), height (2), width (2).
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 5), checked((ushort)height));
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(sof + 7), checked((ushort)width));
        return jpeg;
    }

    public static byte[] Svg() => Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><rect width=\"64\" height=\"64\" fill=\"red\"/></svg>");

    /// <summary>PNG's CRC-32 (ISO 3309, reflected 0xEDB88320), so lying headers still pass the chunk check.</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint Compute(ReadOnlySpan<byte> data)
        {
            uint crc = 0xFFFFFFFFu;
            foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc ^ 0xFFFFFFFFu;
        }
    }
}
