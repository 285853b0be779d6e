namespace Florence2.Tasks;

/// <summary>Quantizes and dequantizes whole boxes (MS-PROC <c>BoxQuantizer</c>, mode "floor", 1000×1000 bins).</summary>
public static class BoxQuantizer
{
    /// <summary>
    /// Bins of a pixel region. Validate the region first (<see cref="RegionValidator"/>); this method only clamps to 0..999.
    /// </summary>
    public static LocationBins Quantize(PixelRegion region, int imageWidth, int imageHeight) => new(
        CoordinateQuantizer.Quantize(region.X1, imageWidth),
        CoordinateQuantizer.Quantize(region.Y1, imageHeight),
        CoordinateQuantizer.Quantize(region.X2, imageWidth),
        CoordinateQuantizer.Quantize(region.Y2, imageHeight));

    /// <summary>The box whose corners are the centres of the given bins.</summary>
    public static BoundingBox Dequantize(LocationBins bins, int imageWidth, int imageHeight, CoordinateFormat format) => new(
        CoordinateQuantizer.Dequantize(bins.X1, imageWidth, format),
        CoordinateQuantizer.Dequantize(bins.Y1, imageHeight, format),
        CoordinateQuantizer.Dequantize(bins.X2, imageWidth, format),
        CoordinateQuantizer.Dequantize(bins.Y2, imageHeight, format));
}
