namespace Florence2.Tasks;

/// <summary>
/// Gives every segment of a result its rasterised mask's tight box and area (<see cref="PolygonRasterizer"/>), and
/// the mask itself when <see cref="MaskFormat.Rle"/> or <see cref="MaskFormat.Png"/> is asked for.
/// </summary>
public static class SegmentMasks
{
    /// <summary>The result with its segments measured; a result without segments comes back as it is.</summary>
    public static TaskResult Apply(TaskResult result, int width, int height, MaskFormat format)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Segments is not { } segments) return result;
        return result.WithSegments(segments.Select(segment => Measure(segment, width, height, format)).ToList());
    }

    public static Segment Measure(Segment segment, int width, int height, MaskFormat format)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var mask = PolygonRasterizer.Rasterize(segment.Polygons, width, height);
        return segment with
        {
            Bbox = mask.Bounds(),
            Area = mask.Area(),
            Rle = format == MaskFormat.Rle ? CocoRle.Encode(mask) : null,
            MaskPng = format == MaskFormat.Png ? Convert.ToBase64String(MaskPngEncoder.Encode(mask)) : null,
        };
    }
}
