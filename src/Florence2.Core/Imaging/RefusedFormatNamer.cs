namespace Florence2.Imaging;

/// <summary>
/// Names well-known image formats from their magic bytes, only to make the 415 message helpful. It never admits
/// anything: acceptance is decided by ImageSharp's detectors of the restricted configuration. Kept independent of
/// ImageSharp so that naming a BMP never runs ImageSharp's BMP code (issue #3074 allocates inside Identify).
/// </summary>
internal static class RefusedFormatNamer
{
    private static ReadOnlySpan<byte> JpegXlCodestream => [0xFF, 0x0A];

    private static ReadOnlySpan<byte> JpegXlContainer => [0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A];

    /// <summary>The format's common name, or null when the bytes match nothing we know.</summary>
    public static string? TryName(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("BM"u8)) return "BMP";
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8)) return "GIF";
        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8)) return "TIFF";
        if (data.StartsWith("II+\0"u8) || data.StartsWith("MM\0+"u8)) return "BigTIFF";
        if (data.StartsWith("8BPS"u8)) return "PSD";
        if (data.StartsWith("\0\0\u0001\0"u8)) return "ICO";
        if (data.StartsWith("\0\0\u0002\0"u8)) return "CUR";
        if (data.StartsWith(JpegXlCodestream) || data.StartsWith(JpegXlContainer)) return "JPEG XL";
        if (data.StartsWith("%PDF"u8)) return "PDF";
        if (data.Length >= 2 && data[0] == (byte)'P' && data[1] is >= (byte)'1' and <= (byte)'7') return "PBM/PGM/PPM";
        if (data.Length >= 12 && data.Slice(4, 4).SequenceEqual("ftyp"u8)) return NameIsoMediaBrand(data.Slice(8, 4));
        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && !data.Slice(8, 4).SequenceEqual("WEBP"u8)) return "RIFF (not WebP)";
        if (EndsWithTgaFooter(data)) return "TGA";
        return null;
    }

    private static string NameIsoMediaBrand(ReadOnlySpan<byte> brand) =>
        brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8) ? "AVIF"
        : brand.StartsWith("hei"u8) || brand.StartsWith("hev"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8) ? "HEIF/HEIC"
        : "ISO media (video or HEIF)";

    // TGA has no magic at the start; version 2 files end with this footer signature. Version 1 files stay unnamed.
    private static bool EndsWithTgaFooter(ReadOnlySpan<byte> data) =>
        data.Length >= 44 && data[^18..].SequenceEqual("TRUEVISION-XFILE.\0"u8);
}
