namespace Florence2.Imaging.Jpeg;

/// <summary>How a JPEG frame is coded: its SOFn marker, read before any decoder runs.</summary>
internal enum JpegCodingProcess
{
    /// <summary>SOF0 / SOF1: sequential DCT, Huffman.</summary>
    SequentialHuffman,

    /// <summary>SOF2: progressive DCT, Huffman.</summary>
    ProgressiveHuffman,

    /// <summary>SOF9: sequential DCT, arithmetic.</summary>
    SequentialArithmetic,

    /// <summary>SOF10: progressive DCT, arithmetic.</summary>
    ProgressiveArithmetic,

    /// <summary>SOF3 / SOF11 (lossless) and SOF5-7 / SOF13-15 (hierarchical): the reference's libjpeg cannot decode them.</summary>
    LosslessOrHierarchical,
}

/// <summary>One colour component of the frame: its id and sampling factors.</summary>
internal readonly record struct JpegComponent(byte Id, int HorizontalSampling, int VerticalSampling);

/// <summary>
/// What the marker structure of a JPEG says, read without decoding a pixel: the frame header (size, precision,
/// components), whether the stream reaches its EOI marker, and — for progressive files — whether the scans deliver every
/// coefficient to its last bit.
/// </summary>
internal sealed record JpegFrame(
    JpegCodingProcess Process,
    int Precision,
    int Width,
    int Height,
    IReadOnlyList<JpegComponent> Components,
    bool ReachesEndOfImage,
    bool HasEveryCoefficient)
{
    public bool IsProgressive => Process is JpegCodingProcess.ProgressiveHuffman or JpegCodingProcess.ProgressiveArithmetic;

    /// <summary>
    /// Bytes libjpeg keeps for the whole image's DCT coefficients when it must buffer them (progressive, or a
    /// sequential file whose components come in separate scans): 64 coefficients of 2 bytes per 8×8 block, every component.
    /// A one-scan sequential file needs only one MCU row, but the bound is used for every file: it is what an attacker
    /// can make the decoder allocate natively, outside ImageSharp's allocation limit.
    /// </summary>
    public long CoefficientBufferBytes()
    {
        int maxH = Components.Max(c => c.HorizontalSampling);
        int maxV = Components.Max(c => c.VerticalSampling);
        long mcuColumns = DivideRoundingUp(Width, 8L * maxH);
        long mcuRows = DivideRoundingUp(Height, 8L * maxV);
        long blocks = Components.Sum(c => mcuColumns * c.HorizontalSampling * mcuRows * c.VerticalSampling);
        return blocks * 64 * sizeof(short);
    }

    private static long DivideRoundingUp(long value, long divisor) => (value + divisor - 1) / divisor;
}
