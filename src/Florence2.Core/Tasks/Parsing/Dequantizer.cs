namespace Florence2.Tasks;

/// <summary>Bins → pixels for one image size and coordinate format (spec §10.1).</summary>
internal readonly struct Dequantizer
{
    private readonly int width;
    private readonly int height;
    private readonly CoordinateFormat format;

    public Dequantizer(int width, int height, CoordinateFormat format)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        this.width = width;
        this.height = height;
        this.format = format;
    }

    public Point2 Point(int xBin, int yBin) =>
        new(CoordinateQuantizer.Dequantize(xBin, width, format), CoordinateQuantizer.Dequantize(yBin, height, format));

    public BoundingBox Box(LocationBins bins) => BoxQuantizer.Dequantize(bins, width, height, format);

    /// <summary>
    /// Pairs a flat list of bins as (x, y) points; an odd last bin is dropped, as the reference does (§10.6 step 7).
    /// </summary>
    public List<Point2> Points(IReadOnlyList<int> bins)
    {
        var points = new List<Point2>(bins.Count / 2);
        for (int i = 0; i + 1 < bins.Count; i += 2)
        {
            points.Add(Point(bins[i], bins[i + 1]));
        }

        return points;
    }
}
