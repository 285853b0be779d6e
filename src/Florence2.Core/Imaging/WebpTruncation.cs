using System.Buffers.Binary;

namespace Florence2.Imaging;

/// <summary>
/// Detects a WebP upload cut short. ImageSharp 2.1's lossy WebP decoder does not hold the RIFF size against the bytes
/// it got: it decodes the missing macroblocks as flat colour and reports success, so a truncated upload would reach
/// the model as a silently different picture. The RIFF header states the file size, so truncation is certain here.
/// </summary>
internal static class WebpTruncation
{
    // "RIFF", little-endian size of everything after these 8 bytes, "WEBP".
    private const int RiffHeaderLength = 8;

    /// <summary>True when the RIFF header declares more bytes than <paramref name="encoded"/> holds.</summary>
    public static bool IsTruncated(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < 12 || !encoded.StartsWith("RIFF"u8)) return false;
        long declared = BinaryPrimitives.ReadUInt32LittleEndian(encoded[4..]) + (long)RiffHeaderLength;
        // Some encoders omit the final pad byte of an odd-sized chunk; one missing byte is not truncation.
        return declared > encoded.Length + 1;
    }
}
