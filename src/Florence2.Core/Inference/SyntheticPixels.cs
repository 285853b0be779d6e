namespace Florence2.Inference;

/// <summary>
/// A deterministic pseudo-random image already in model-input form: for profiling, benchmarks and engine tests that
/// must not depend on image decoding. Same seed → same pixels.
/// </summary>
public sealed class SyntheticPixels(int seed, int width = 640, int height = 480) : IPixelSource
{
    public int Width => width;
    public int Height => height;

    public void WritePixelValues(Span<float> destination, int targetWidth, int targetHeight)
    {
        var random = new Random(seed);
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (float)(random.NextDouble() * 4 - 2); // roughly the range of ImageNet-normalized pixels
    }
}
