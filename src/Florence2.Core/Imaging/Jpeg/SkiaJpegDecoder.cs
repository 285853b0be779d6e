using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;
using SkiaSharp;

namespace Florence2.Imaging.Jpeg;

/// <summary>
/// Decodes an admitted JPEG to RGB exactly as Pillow's <c>Image.open(f).convert("RGB")</c> does, with the libjpeg-turbo
/// that Skia (SkiaSharp's native library) embeds: accurate integer IDCT, fancy upsampling, libjpeg's own YCbCr and
/// YCCK conversions, and for CMYK the same rounding of C×K/255 that Pillow's <c>cmyk2rgb</c> does on Adobe-inverted
/// data. Chosen over ImageSharp and a managed libjpeg port by measurement against the committed corpus
/// (tests/jpeg-corpus): the only one identical to Pillow on every case. Scanlines come through a small pooled RGBA
/// buffer straight into the ImageSharp image, so the output obeys ImageSharp's allocation limit and no full-size
/// RGBA copy exists. The destination has no colour space, so Skia applies no ICC transform, and scanline decoding
/// never applies EXIF orientation — as Pillow.
/// </summary>
internal static class SkiaJpegDecoder
{
    private const int RgbaBytesPerPixel = 4;
    private const int ChunkBytes = 256 * 1024;

    /// <summary>Decodes <paramref name="jpeg"/>, whose structure <see cref="JpegAdmission"/> has admitted as <paramref name="frame"/>.</summary>
    /// <exception cref="ImageRejectedException">libjpeg reported an error, or delivered fewer rows than the header declares.</exception>
    public static unsafe Image<Rgb24> Decode(ReadOnlySpan<byte> jpeg, JpegFrame frame, Configuration configuration)
    {
        fixed (byte* bytes = jpeg)
        {
            // SKData over the pinned span: no copy; it is disposed before the span is unpinned.
            using SKData data = SKData.Create((IntPtr)bytes, jpeg.Length, releaseProc: null);
            using SKCodec codec = SKCodec.Create(data) ?? throw Undecodable("its header could not be read");
            if (codec.Info.Width != frame.Width || codec.Info.Height != frame.Height)
            {
                throw Undecodable("its frame header is ambiguous");
            }

            var info = new SKImageInfo(frame.Width, frame.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            SKCodecResult started = codec.StartScanlineDecode(info);
            if (started != SKCodecResult.Success)
            {
                throw Undecodable($"the decoder refused it ({started})");
            }

            var image = new Image<Rgb24>(configuration, frame.Width, frame.Height);
            try
            {
                CopyScanlines(codec, image);
                return image;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
    }

    private static unsafe void CopyScanlines(SKCodec codec, Image<Rgb24> image)
    {
        int width = image.Width;
        int rowBytes = width * RgbaBytesPerPixel;
        int rowsPerChunk = Math.Max(1, ChunkBytes / rowBytes);
        byte[] rented = ArrayPool<byte>.Shared.Rent(rowsPerChunk * rowBytes);
        try
        {
            fixed (byte* rgba = rented)
            {
                for (int y = 0; y < image.Height; y += rowsPerChunk)
                {
                    int rows = Math.Min(rowsPerChunk, image.Height - y);
                    // Fewer rows than asked means libjpeg ran out of data or hit an error it could not get past.
                    if (codec.GetScanlines((IntPtr)rgba, rows, rowBytes) != rows)
                    {
                        throw Undecodable("its data is truncated or corrupt");
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        ReadOnlySpan<byte> source = rented.AsSpan(r * rowBytes, rowBytes);
                        Span<byte> destination = MemoryMarshal.AsBytes(image.DangerousGetPixelRowMemory(y + r).Span);
                        DropAlpha(source, destination);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void DropAlpha(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        int pixels = rgb.Length / 3;
        int x = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // Four pixels at a time: R,G,B of each gathered into the low 12 bytes (one pshufb on x64). Each store writes
            // 16 bytes, so the loop stops while 4 bytes of room remain past the 12 it means to write.
            Vector128<byte> gather = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80);
            ref byte source = ref MemoryMarshal.GetReference(rgba);
            ref byte destination = ref MemoryMarshal.GetReference(rgb);
            for (; x + 4 <= pixels && (3 * x) + 16 <= rgb.Length; x += 4)
            {
                Vector128.Shuffle(Vector128.LoadUnsafe(ref source, (nuint)(4 * x)), gather).StoreUnsafe(ref destination, (nuint)(3 * x));
            }
        }

        for (; x < pixels; x++)
        {
            rgb[3 * x] = rgba[4 * x];
            rgb[(3 * x) + 1] = rgba[(4 * x) + 1];
            rgb[(3 * x) + 2] = rgba[(4 * x) + 2];
        }
    }

    private static ImageRejectedException Undecodable(string why) =>
        new(ImageRejectionReason.Undecodable, $"The JPEG image could not be decoded: {why}.");
}
