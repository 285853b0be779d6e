using Florence2.Imaging.Jpeg;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Imaging;

/// <summary>
/// Decodes untrusted uploads to 8-bit RGB exactly as the reference pipeline's Pillow does: PNG and WebP with
/// ImageSharp 2.1, JPEG with libjpeg-turbo (<see cref="SkiaJpegDecoder"/>, after <see cref="JpegAdmission"/>), defensively:
/// <list type="number">
/// <item>only JPEG, PNG and WebP are registered (BMP, GIF, TGA, TIFF and PBM decoders have known unfixed 2.x bugs, e.g.
/// a 58-byte BMP that allocates 1 GiB inside <c>Identify</c>);</item>
/// <item>the format is detected from the magic bytes and the size read from the header and checked against
/// <see cref="ImageDecodingOptions"/> before any pixel buffer exists;</item>
/// <item>the allocator has a hard allocation limit as a second line of defence;</item>
/// <item>every decoder failure becomes an <see cref="ImageRejectedException"/>.</item>
/// </list>
/// Like PIL's <c>Image.open(...).convert("RGB")</c>, alpha is discarded without compositing, metadata (EXIF, ICC) is
/// not read and EXIF orientation is NOT applied. Create one instance and share it: it holds no per-call state.
/// </summary>
public sealed class SafeImageDecoder
{
    /// <summary>What every rejection message tells the client to send instead.</summary>
    public const string AcceptedFormatsHint = "send JPEG, PNG or WebP";

    private readonly Configuration configuration;

    /// <summary>Creates a decoder with the given limits (<see cref="ImageDecodingOptions.Default"/> when null).</summary>
    public SafeImageDecoder(ImageDecodingOptions? options = null)
    {
        Options = options ?? ImageDecodingOptions.Default;
        if (Options.MaxPixels <= 0 || Options.MaxSideLength <= 0 || Options.MaxEncodedBytes <= 0 || Options.MaxAllocationMegabytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "All decoding limits must be positive.");
        }

        configuration = CreateConfiguration(Options.MaxAllocationMegabytes);
    }

    /// <summary>The limits in force.</summary>
    public ImageDecodingOptions Options { get; }

    /// <summary>Decodes an encoded image held in memory.</summary>
    /// <exception cref="ImageRejectedException">The input is empty, too large, not JPEG/PNG/WebP, or corrupt.</exception>
    public DecodedImage Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            throw new ImageRejectedException(ImageRejectionReason.Empty, $"The image is empty; {AcceptedFormatsHint}.");
        }

        if (encoded.Length > Options.MaxEncodedBytes)
        {
            throw TooManyBytes(Options.MaxEncodedBytes);
        }

        IImageFormat format = DetectAcceptedFormat(encoded);
        if (format == JpegFormat.Instance)
        {
            return DecodeJpeg(encoded, format);
        }

        if (format == WebpFormat.Instance && WebpTruncation.IsTruncated(encoded))
        {
            throw new ImageRejectedException(
                ImageRejectionReason.Undecodable,
                $"The {format.Name} image is truncated: its header announces more bytes than were sent.");
        }

        unsafe
        {
            // Identify and Load both want a Stream; wrapping the pinned span avoids copying the upload. The stream
            // never outlives this block, and nothing here is asynchronous.
            fixed (byte* bytes = encoded)
            {
                using var stream = new UnmanagedMemoryStream(bytes, encoded.Length);
                EnforceSizeLimits(IdentifySize(stream, format), format);
                stream.Position = 0;
                return new DecodedImage(LoadPixels(stream, format), format.Name);
            }
        }
    }

    /// <inheritdoc cref="Decode(ReadOnlySpan{byte})"/>
    public DecodedImage Decode(ReadOnlyMemory<byte> encoded) => Decode(encoded.Span);

    /// <inheritdoc cref="Decode(ReadOnlySpan{byte})"/>
    public DecodedImage Decode(byte[] encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        return Decode(encoded.AsSpan());
    }

    /// <summary>Reads the stream to its end (refusing it past <see cref="ImageDecodingOptions.MaxEncodedBytes"/>) and decodes it.</summary>
    /// <exception cref="ImageRejectedException">See <see cref="Decode(ReadOnlySpan{byte})"/>.</exception>
    public DecodedImage Decode(Stream encoded) => Decode(BoundedStreamReader.ReadAll(encoded, Options.MaxEncodedBytes).AsSpan());

    /// <summary>Reads the stream asynchronously (bounded as in <see cref="Decode(Stream)"/>), then decodes synchronously.</summary>
    /// <remarks>Decoding itself is CPU-bound and not cancellable for PNG/WebP; bound concurrency in the caller.</remarks>
    public async Task<DecodedImage> DecodeAsync(Stream encoded, CancellationToken cancellationToken = default)
    {
        var bytes = await BoundedStreamReader.ReadAllAsync(encoded, Options.MaxEncodedBytes, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return Decode(bytes.AsSpan());
    }

    internal static ImageRejectedException TooManyBytes(int maxBytes) =>
        new(ImageRejectionReason.TooLarge, $"The encoded image is larger than {maxBytes:N0} bytes.");

    private static Configuration CreateConfiguration(int allocationLimitMegabytes)
    {
        // new Configuration(modules) registers exactly these formats; Configuration.Default would add BMP, GIF, PBM, TGA, TIFF.
        var configuration = new Configuration(
            new JpegConfigurationModule(),
            new PngConfigurationModule(),
            new WebpConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = allocationLimitMegabytes }),
        };

        // Metadata is never used, and skipping it also skips ICC parsing (CVE-2026-106114) and the EXIF orientation tag.
        configuration.ImageFormatsManager.SetDecoder(JpegFormat.Instance, new JpegDecoder { IgnoreMetadata = true });
        configuration.ImageFormatsManager.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        configuration.ImageFormatsManager.SetDecoder(WebpFormat.Instance, new WebpDecoder { IgnoreMetadata = true });
        return configuration;
    }

    private DecodedImage DecodeJpeg(ReadOnlySpan<byte> encoded, IImageFormat format)
    {
        JpegFrame frame = JpegStructureReader.Read(encoded) ?? throw JpegAdmission.NoFrameHeader();
        EnforceSizeLimits(new ImageSize(frame.Width, frame.Height), format);
        JpegAdmission.Admit(frame);

        // libjpeg's coefficient buffer lives in native memory, outside ImageSharp's allocator: hold it to the same limit.
        if (frame.CoefficientBufferBytes() > Options.MaxAllocationMegabytes * 1024L * 1024L)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.TooLarge,
                $"The {format.Name} image needs more memory to decode than this service allows.");
        }

        try
        {
            return new DecodedImage(SkiaJpegDecoder.Decode(encoded, frame, configuration), format.Name);
        }
        catch (Exception exception) when (exception is not (ImageRejectedException or OperationCanceledException))
        {
            throw DecoderFailure.Classify(exception, format.Name);
        }
    }

    private IImageFormat DetectAcceptedFormat(ReadOnlySpan<byte> encoded)
    {
        IImageFormat? format = Image.DetectFormat(configuration, encoded);
        if (format is not null)
        {
            return format;
        }

        string? refusedName = RefusedFormatNamer.TryName(encoded);
        string message = refusedName is null
            ? $"The image format was not recognised; {AcceptedFormatsHint}."
            : $"{refusedName} images are not accepted; {AcceptedFormatsHint}.";
        throw new ImageRejectedException(ImageRejectionReason.UnsupportedFormat, message);
    }

    private ImageSize IdentifySize(Stream stream, IImageFormat format)
    {
        IImageInfo? info;
        try
        {
            info = Image.Identify(configuration, stream);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw DecoderFailure.Classify(exception, format.Name);
        }

        if (info is null || info.Width <= 0 || info.Height <= 0)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.Undecodable,
                $"The {format.Name} image header could not be read.");
        }

        return new ImageSize(info.Width, info.Height);
    }

    private void EnforceSizeLimits(ImageSize size, IImageFormat format)
    {
        if (size.Width > Options.MaxSideLength || size.Height > Options.MaxSideLength)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.TooLarge,
                $"The {format.Name} image is {size.Width}x{size.Height}; neither side may exceed {Options.MaxSideLength:N0} pixels.");
        }

        if ((long)size.Width * size.Height > Options.MaxPixels)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.TooLarge,
                $"The {format.Name} image is {size.Width}x{size.Height}; at most {Options.MaxPixels:N0} pixels are accepted.");
        }
    }

    private Image<Rgb24> LoadPixels(Stream stream, IImageFormat format)
    {
        try
        {
            // Decoding straight to Rgb24 drops alpha without compositing (Rgb24.FromRgba32 copies R, G, B), as PIL does.
            return Image.Load<Rgb24>(configuration, stream);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw DecoderFailure.Classify(exception, format.Name);
        }
    }
}
