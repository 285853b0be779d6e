using Florence2.Inference;

namespace Florence2.Cli;

/// <summary>A deterministic pseudo-random image already in model-input form (for profiling without files).</summary>
internal sealed class SyntheticImage(int width, int height, int seed) : IPixelSource
{
    public int Width => width;
    public int Height => height;

    public void WritePixelValues(Span<float> destination, int targetWidth, int targetHeight)
    {
        var random = new Random(seed);
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (float)(random.NextDouble() * 4 - 2);
    }
}
