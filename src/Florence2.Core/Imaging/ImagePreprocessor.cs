using System.Buffers;

namespace Florence2.Imaging;

/// <summary>
/// Upload bytes → Florence-2 <c>pixel_values</c> for one image: <see cref="SafeImageDecoder"/>, then
/// <see cref="PilBicubicResizer"/> to the target size (stretching, no padding or crop), then <see cref="PixelTensorWriter"/>.
/// Thread-safe; the only per-call buffer is one pooled target-size RGB image.
/// </summary>
public sealed class ImagePreprocessor
{
    private readonly SafeImageDecoder decoder;
    private readonly PilBicubicResizer resizer;
    private readonly PixelTensorWriter writer;

    /// <summary>Creates the pipeline.</summary>
    public ImagePreprocessor(SafeImageDecoder decoder, PreprocessorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(settings);
        this.decoder = decoder;
        Settings = settings;
        resizer = new PilBicubicResizer(settings.TargetWidth, settings.TargetHeight);
        writer = new PixelTensorWriter(settings);
    }

    /// <summary>The preprocessing numbers in use.</summary>
    public PreprocessorSettings Settings { get; }

    /// <summary>Floats one image occupies in the tensor (3 × 768 × 768 for Florence-2).</summary>
    public int TensorLength => writer.TensorLength;

    /// <summary>Decodes <paramref name="encoded"/> and writes its tensor slice.</summary>
    /// <returns>The image's original (stored) size, needed to map model coordinates back.</returns>
    /// <exception cref="ImageRejectedException">The upload was refused; nothing meaningful was written.</exception>
    public ImageSize Preprocess(ReadOnlySpan<byte> encoded, Span<float> destination)
    {
        using DecodedImage image = decoder.Decode(encoded);
        Preprocess(image, destination);
        return image.Size;
    }

    /// <summary>Resizes a decoded image now and returns it ready for the engine's pixel tensor.</summary>
    public PreparedImage Prepare(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rgb = new byte[resizer.OutputLength];
        resizer.Resize(image.Pixels, rgb);
        return new PreparedImage(rgb, image.Size, writer);
    }

    /// <summary>Writes the tensor slice for an already decoded image (which stays owned by the caller).</summary>
    public void Preprocess(DecodedImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (destination.Length != TensorLength)
        {
            throw new ArgumentException($"Destination must hold exactly {TensorLength} floats.", nameof(destination));
        }

        byte[] resized = ArrayPool<byte>.Shared.Rent(resizer.OutputLength);
        try
        {
            Span<byte> rgb = resized.AsSpan(0, resizer.OutputLength);
            resizer.Resize(image.Pixels, rgb);
            writer.Write(rgb, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(resized);
        }
    }
}
