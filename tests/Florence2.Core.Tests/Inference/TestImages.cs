using Florence2.Inference;

namespace Florence2.Tests.Inference;

/// <summary>A deterministic image already in model-input form, so engine tests don't depend on the imaging code.</summary>
public sealed class SeededPixels(int seed, int width = 640, int height = 480) : IPixelSource
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
