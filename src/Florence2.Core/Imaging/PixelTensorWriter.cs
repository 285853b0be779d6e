namespace Florence2.Imaging;

/// <summary>
/// Writes one resized RGB image into its slice of the model's <c>pixel_values</c> tensor: CHW, channels R, G, B,
/// value = (pixel × rescale − mean[c]) / std[c].
/// </summary>
/// <remarks>
/// Reproduces HF's arithmetic bit for bit: <c>rescale</c> multiplies in float64 and stores float32, then
/// <c>normalize</c> casts mean and std to the image's dtype (float32) and subtracts and divides in float32. Since a
/// pixel is one of 256 values, each channel's 256 results are computed once into a table and writing is a lookup.
/// </remarks>
public sealed class PixelTensorWriter
{
    private const int Channels = 3;
    private readonly float[] lookup; // [channel * 256 + byte value]

    /// <summary>Prepares the per-channel tables for <paramref name="settings"/>.</summary>
    public PixelTensorWriter(PreprocessorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.ImageMean.Count != Channels || settings.ImageStd.Count != Channels)
        {
            throw new ArgumentException("image_mean and image_std must have three entries (R, G, B).", nameof(settings));
        }

        Width = settings.TargetWidth;
        Height = settings.TargetHeight;
        lookup = new float[Channels * 256];
        for (int c = 0; c < Channels; c++)
        {
            float mean = (float)settings.ImageMean[c];
            float std = (float)settings.ImageStd[c];
            for (int value = 0; value < 256; value++)
            {
                float rescaled = (float)(value * settings.RescaleFactor);
                lookup[(c * 256) + value] = (rescaled - mean) / std;
            }
        }
    }

    /// <summary>Image width the writer expects.</summary>
    public int Width { get; }

    /// <summary>Image height the writer expects.</summary>
    public int Height { get; }

    /// <summary>Floats written per image: 3 × Height × Width.</summary>
    public int TensorLength => Channels * Width * Height;

    /// <summary>The value a byte <paramref name="value"/> of channel <paramref name="channel"/> (0 = R) becomes.</summary>
    public float Normalize(int channel, byte value) => lookup[(channel * 256) + value];

    /// <summary>
    /// Converts <paramref name="rgb"/> (Height × Width × 3 bytes, row-major, R, G, B) into <paramref name="destination"/>
    /// (exactly <see cref="TensorLength"/> floats: the R plane, then G, then B).
    /// </summary>
    public void Write(ReadOnlySpan<byte> rgb, Span<float> destination)
    {
        int planeLength = Width * Height;
        if (rgb.Length != planeLength * Channels)
        {
            throw new ArgumentException($"Expected {Width}x{Height}x3 bytes, got {rgb.Length}.", nameof(rgb));
        }

        if (destination.Length != TensorLength)
        {
            throw new ArgumentException($"Destination must hold exactly {TensorLength} floats.", nameof(destination));
        }

        ReadOnlySpan<float> red = lookup.AsSpan(0, 256);
        ReadOnlySpan<float> green = lookup.AsSpan(256, 256);
        ReadOnlySpan<float> blue = lookup.AsSpan(512, 256);
        Span<float> redPlane = destination[..planeLength];
        Span<float> greenPlane = destination.Slice(planeLength, planeLength);
        Span<float> bluePlane = destination.Slice(2 * planeLength, planeLength);
        for (int i = 0; i < planeLength; i++)
        {
            redPlane[i] = red[rgb[3 * i]];
            greenPlane[i] = green[rgb[(3 * i) + 1]];
            bluePlane[i] = blue[rgb[(3 * i) + 2]];
        }
    }
}
