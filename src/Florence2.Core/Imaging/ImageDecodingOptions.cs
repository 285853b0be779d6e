namespace Florence2.Imaging;

/// <summary>
/// Limits applied to untrusted uploads before and during decoding. The defaults accept any photo a phone or camera
/// produces while keeping the worst case (a 40 MP RGB24 image ≈ 120 MB) bounded; Florence-2 only ever sees 768×768, so
/// larger inputs buy no quality.
/// </summary>
public sealed record ImageDecodingOptions
{
    /// <summary>Largest width × height accepted, checked from the header before any pixel is allocated. Default 40,000,000.</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>
    /// Largest width or height accepted. Default 16,384 (WebP's own maximum is 16,383). A separate cap from
    /// <see cref="MaxPixels"/> because a 1 × 30,000,000 PNG is under the pixel cap yet spins the decoder through millions
    /// of scan lines (ImageSharp issue #2727).
    /// </summary>
    public int MaxSideLength { get; init; } = 16_384;

    /// <summary>Largest encoded (compressed) input accepted. Default 20 MiB.</summary>
    public int MaxEncodedBytes { get; init; } = 20 * 1024 * 1024;

    /// <summary>
    /// ImageSharp's <c>MemoryAllocatorOptions.AllocationLimitMegabytes</c>: the largest single (possibly discontiguous)
    /// buffer the decoder may allocate. Default 256 MB: above the 120 MB a 40 MP Rgb24 image needs plus decoder scratch
    /// buffers (a JPEG decoder keeps component planes), below what a few concurrent requests could use to exhaust a container.
    /// JPEGs are decoded natively (libjpeg-turbo), outside that allocator: their DCT coefficient buffer, computed from the
    /// frame header, is held to the same limit before decoding starts.
    /// </summary>
    public int MaxAllocationMegabytes { get; init; } = 256;

    /// <summary>The defaults above.</summary>
    public static ImageDecodingOptions Default { get; } = new();
}
