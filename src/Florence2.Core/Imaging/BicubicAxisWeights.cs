namespace Florence2.Imaging;

/// <summary>
/// Pillow's resampling coefficients for one axis (<c>precompute_coeffs</c> + <c>normalize_coeffs_8bpc</c> in
/// libImaging/Resample.c) for the bicubic filter, already in the 8-bit fixed-point form. For output index i the
/// taps are source indices <c>First[i] .. First[i] + Count[i] - 1</c> with weights <c>Weights[i * Stride + t]</c>.
/// Built once per resize call: a few thousand filter evaluations, negligible next to the pixel loops.
/// </summary>
internal sealed class BicubicAxisWeights
{
    /// <summary>Fractional bits of the fixed-point weights: 32 − 8 − 2, leaving room for 8-bit pixels and negative lobes.</summary>
    public const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Added before the final shift so that truncation rounds to nearest (Pillow starts its sums with it).</summary>
    public const int RoundingHalf = 1 << (PrecisionBits - 1);

    // Keys cubic convolution with a = -0.5 is nonzero on (-2, 2).
    private const double FilterSupport = 2.0;

    private BicubicAxisWeights(int inSize, int outSize, int stride, int[] first, int[] count, int[] weights)
    {
        InSize = inSize;
        OutSize = outSize;
        Stride = stride;
        First = first;
        Count = count;
        Weights = weights;
    }

    public int InSize { get; }

    public int OutSize { get; }

    /// <summary>Pillow's <c>ksize</c>: room reserved per output index; only the first <see cref="Count"/> entries are used.</summary>
    public int Stride { get; }

    public int[] First { get; }

    public int[] Count { get; }

    public int[] Weights { get; }

    /// <summary>First source index any output reads (Pillow's <c>ybox_first</c>).</summary>
    public int FirstUsed => First[0];

    /// <summary>One past the last source index any output reads (Pillow's <c>ybox_last</c>).</summary>
    public int EndUsed => First[OutSize - 1] + Count[OutSize - 1];

    public static BicubicAxisWeights Create(int inSize, int outSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outSize);

        // Same double arithmetic, in the same order, as precompute_coeffs with box = (0, inSize): any reordering could
        // move a weight across a fixed-point rounding boundary.
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0); // widen the kernel when shrinking (antialiasing)
        double support = FilterSupport * filterScale;
        double inverseFilterScale = 1.0 / filterScale;
        int stride = ((int)Math.Ceiling(support) * 2) + 1;

        var first = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * stride];
        Span<double> raw = stride <= 256 ? stackalloc double[stride] : new double[stride];

        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            // C's (int) cast truncates toward zero, as C#'s does; negatives are clamped to 0 right after.
            int min = Math.Max((int)(center - support + 0.5), 0);
            int taps = Math.Min((int)(center + support + 0.5), inSize) - min;

            double sum = 0.0;
            for (int t = 0; t < taps; t++)
            {
                double w = Keys((t + min - center + 0.5) * inverseFilterScale);
                raw[t] = w;
                sum += w;
            }

            Span<int> fixedPoint = weights.AsSpan(i * stride, stride);
            for (int t = 0; t < taps; t++)
            {
                double normalized = sum != 0.0 ? raw[t] / sum : raw[t];
                fixedPoint[t] = ToFixedPoint(normalized);
            }

            first[i] = min;
            count[i] = taps;
        }

        return new BicubicAxisWeights(inSize, outSize, stride, first, count, weights);
    }

    /// <summary>Pillow's <c>bicubic_filter</c>: Keys cubic convolution kernel with a = −0.5.</summary>
    internal static double Keys(double x)
    {
        const double a = -0.5;
        if (x < 0.0)
        {
            x = -x;
        }

        if (x < 1.0)
        {
            return (((a + 2.0) * x) - (a + 3.0)) * x * x + 1;
        }

        if (x < 2.0)
        {
            return ((((x - 5) * x) + 8) * x - 4) * a;
        }

        return 0.0;
    }

    // normalize_coeffs_8bpc: round half away from zero, then truncate toward zero.
    private static int ToFixedPoint(double weight) =>
        weight < 0
            ? (int)(-0.5 + (weight * (1 << PrecisionBits)))
            : (int)(0.5 + (weight * (1 << PrecisionBits)));
}
