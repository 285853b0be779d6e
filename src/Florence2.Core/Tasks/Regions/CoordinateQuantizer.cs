namespace Florence2.Tasks;

/// <summary>
/// Maps one coordinate between pixels and Florence-2's 1000 bins, mode "floor" (MS-PROC <c>BoxQuantizer</c> and
/// <c>CoordinatesQuantizer</c> share the formula; spec §6.3, §10.1). x uses the image width, y the height.
/// </summary>
public static class CoordinateQuantizer
{
    /// <summary>
    /// <c>clamp(floor(value / (size / 1000)), 0, 999)</c>. The division by the bin size (rather than multiplying by
    /// 1000/size) follows the reference so that bin boundaries round the same way.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite or the size is not positive.</exception>
    public static int Quantize(double value, int size)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Coordinate must be a finite number.");
        }

        EnsurePositive(size);
        double binSize = size / (double)LocationBins.BinCount;
        double bin = Math.Floor(value / binSize);
        return (int)Math.Clamp(bin, 0, LocationBins.BinCount - 1);
    }

    /// <summary>
    /// The centre of bin <paramref name="bin"/>: <c>(bin + 0.5) × size / 1000</c>, computed as <paramref name="format"/> says.
    /// Not clamped (the reference does not clamp either), so bins above 999 map beyond the image.
    /// </summary>
    public static double Dequantize(int bin, int size, CoordinateFormat format)
    {
        EnsurePositive(size);
        switch (format)
        {
            case CoordinateFormat.Float64:
                return (bin + 0.5) * (size / (double)LocationBins.BinCount);
            case CoordinateFormat.TruncatedInteger:
                return Math.Truncate(Float32Reference(bin, size));
            default:
                return Float32Reference(bin, size);
        }
    }

    // torch: int64 tensor + 0.5 promotes to float32; multiplying by the Python float size/1000 happens in float32 with
    // the scalar rounded to float32 first (spec §15.1). C# float arithmetic is IEEE single precision, so this is exact.
    private static double Float32Reference(int bin, int size)
    {
        float centre = (float)bin + 0.5f;
        float binSize = (float)(size / (double)LocationBins.BinCount);
        return (float)(centre * binSize);
    }

    private static void EnsurePositive(int size)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "Image size must be positive.");
        }
    }
}
