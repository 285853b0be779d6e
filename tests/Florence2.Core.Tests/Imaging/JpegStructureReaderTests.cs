using Florence2.Imaging;
using Florence2.Imaging.Jpeg;

namespace Florence2.Tests.Imaging;

/// <summary>
/// The marker walk that runs before libjpeg: header fields, truncation, progressive coverage and the native-memory
/// bound, on hand-built marker streams (segments only; empty scans suffice, nothing here decodes pixels).
/// </summary>
public sealed class JpegStructureReaderTests
{
    [Fact]
    public void Reads_the_frame_header_and_sees_the_end_of_image()
    {
        byte[] jpeg = Stream(Sof(0xC0, 8, width: 4097, height: 3, Components(3, h: 2, v: 2)), Sos(1, 0, 63, 0), [0x12, 0xFF, 0x00, 0xFF, 0xD3, 0x34], Eoi);

        JpegFrame frame = JpegStructureReader.Read(jpeg)!;

        Assert.Equal((JpegCodingProcess.SequentialHuffman, 8, 4097, 3, 3), (frame.Process, frame.Precision, frame.Width, frame.Height, frame.Components.Count));
        Assert.Equal((2, 2), (frame.Components[0].HorizontalSampling, frame.Components[0].VerticalSampling));
        Assert.True(frame.ReachesEndOfImage);
    }

    [Fact]
    public void A_stream_without_end_of_image_is_truncated_even_when_the_scan_bytes_end_in_ff()
    {
        byte[] jpeg = Stream(Sof(0xC0, 8, 8, 8, Components(1, 1, 1)), Sos(1, 0, 63, 0), [0x12, 0x34, 0xFF]);

        Assert.False(JpegStructureReader.Read(jpeg)!.ReachesEndOfImage);
    }

    [Fact]
    public void A_stream_without_end_of_image_is_refused_before_the_decoder_runs()
    {
        // libjpeg would insert a fake EOI and decode what it has; Pillow refuses. The admission says why.
        byte[] jpeg = Stream(Sof(0xC0, 8, 8, 8, Components(1, 1, 1)), Sos(1, 0, 63, 0), [0x12, 0x34]);

        var refusal = Assert.Throws<ImageRejectedException>(() => new SafeImageDecoder().Decode(jpeg));

        Assert.Equal(ImageRejectionReason.Undecodable, refusal.Reason);
        Assert.Contains("truncated: the data ends before the end-of-image marker", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Progressive_scans_must_deliver_every_coefficient_to_its_last_bit()
    {
        byte[] sof = Sof(0xC2, 8, 8, 8, Components(1, 1, 1));
        byte[] complete = Stream(sof, Sos(1, 0, 0, 0x01), Sos(1, 1, 63, 0x01), Sos(1, 0, 0, 0x10), Sos(1, 1, 63, 0x10), Eoi);
        byte[] refinementMissing = Stream(sof, Sos(1, 0, 0, 0x01), Sos(1, 1, 63, 0x01), Sos(1, 0, 0, 0x10), Eoi);

        Assert.True(JpegStructureReader.Read(complete)!.HasEveryCoefficient);
        Assert.False(JpegStructureReader.Read(refinementMissing)!.HasEveryCoefficient);
    }

    [Theory]
    [InlineData(0xC3, 8, "Lossless and hierarchical")]
    [InlineData(0xC5, 8, "Lossless and hierarchical")]
    [InlineData(0xC1, 12, "12-bit")]
    [InlineData(0xC0, 16, "16-bit")]
    public void Frames_the_reference_cannot_decode_are_refused(byte marker, byte precision, string message)
    {
        byte[] jpeg = Stream(Sof(marker, precision, 8, 8, Components(1, 1, 1)), Sos(1, 0, 63, 0), Eoi);

        var refusal = Assert.Throws<ImageRejectedException>(() => new SafeImageDecoder().Decode(jpeg));

        Assert.Equal(ImageRejectionReason.Undecodable, refusal.Reason);
        Assert.Contains(message, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_coefficient_buffer_is_held_to_the_allocation_limit_before_decoding()
    {
        // 1024 x 1024 CMYK, progressive: libjpeg would buffer 1024 * 1024 * 4 * 2 bytes = 8 MiB of coefficients.
        byte[] sof = Sof(0xC2, 8, 1024, 1024, Components(4, 1, 1));
        byte[] jpeg = Stream(sof, Sos(4, 0, 0, 0), Sos(1, 1, 63, 0, id: 1), Sos(1, 1, 63, 0, id: 2), Sos(1, 1, 63, 0, id: 3), Sos(1, 1, 63, 0, id: 4), Eoi);
        Assert.Equal(8L * 1024 * 1024, JpegStructureReader.Read(jpeg)!.CoefficientBufferBytes());

        var refusal = Assert.Throws<ImageRejectedException>(() => new SafeImageDecoder(new ImageDecodingOptions { MaxAllocationMegabytes = 7 }).Decode(jpeg));

        Assert.Equal(ImageRejectionReason.TooLarge, refusal.Reason);
    }

    [Fact]
    public void The_pixel_cap_is_checked_from_the_header_before_anything_else()
    {
        byte[] headerOnly = Stream(Sof(0xC0, 8, 9000, 9000, Components(3, 1, 1)));

        var refusal = Assert.Throws<ImageRejectedException>(() => new SafeImageDecoder().Decode(headerOnly));

        Assert.Equal(ImageRejectionReason.TooLarge, refusal.Reason);
        Assert.Contains("9000x9000", refusal.Message, StringComparison.Ordinal);
    }

    private static readonly byte[] Eoi = [0xFF, 0xD9];

    private static byte[] Stream(params byte[][] parts) => [0xFF, 0xD8, .. parts.SelectMany(p => p)];

    private static byte[] Segment(byte marker, byte[] body) => [0xFF, marker, (byte)((body.Length + 2) >> 8), (byte)(body.Length + 2), .. body];

    private static byte[] Components(int count, int h, int v) =>
        [.. Enumerable.Range(1, count).SelectMany(id => new byte[] { (byte)id, (byte)(id == 1 ? (h << 4) | v : 0x11), 0 })];

    private static byte[] Sof(byte marker, byte precision, int width, int height, byte[] components) =>
        Segment(marker, [precision, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, (byte)(components.Length / 3), .. components]);

    /// <summary>A scan header over components 1..count (or the one named by id), spectral range and Ah/Al byte.</summary>
    private static byte[] Sos(int count, byte start, byte end, byte approximation, int id = 0) =>
        Segment(0xDA, [(byte)count, .. Enumerable.Range(id == 0 ? 1 : id, count).SelectMany(c => new byte[] { (byte)c, 0 }), start, end, approximation]);
}
