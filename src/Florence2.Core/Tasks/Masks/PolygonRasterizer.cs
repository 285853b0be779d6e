namespace Florence2.Tasks;

/// <summary>
/// Turns an instance's polygons into a <see cref="BinaryMask"/>. The rule: pixel (x, y) is inside when its centre
/// (x + 0.5, y + 0.5) is inside the union of the instance's polygons, each polygon filled by the even-odd rule (a
/// self-intersecting polygon leaves the parts it winds around twice empty). A centre exactly on an edge counts as
/// inside for a left or top edge and outside for a right or bottom one (half-open spans, as scanline fillers do), so
/// two polygons sharing an edge never both claim, nor both miss, the pixels along it. Polygons with fewer than three
/// points cover nothing.
/// </summary>
public static class PolygonRasterizer
{
    public static BinaryMask Rasterize(IReadOnlyList<IReadOnlyList<Point2>> polygons, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        var mask = new BinaryMask(width, height);
        var crossings = new List<double>();
        foreach (var polygon in polygons)
        {
            if (polygon.Count < 3) continue;
            double top = polygon.Min(p => p.Y), bottom = polygon.Max(p => p.Y);
            // Rows whose centre can lie in [top, bottom).
            int firstRow = Math.Max(0, (int)Math.Ceiling(top - 0.5));
            int lastRow = Math.Min(height - 1, (int)Math.Ceiling(bottom - 0.5) - 1);
            for (int y = firstRow; y <= lastRow; y++)
            {
                double centreY = y + 0.5;
                crossings.Clear();
                for (int i = 0; i < polygon.Count; i++)
                {
                    var (a, b) = (polygon[i], polygon[(i + 1) % polygon.Count]);
                    // Half-open in y: an edge counts when the centre line passes through [min y, max y); horizontal
                    // edges never do, and a vertex shared by two edges is counted once.
                    if ((a.Y <= centreY) == (b.Y <= centreY)) continue;
                    crossings.Add(a.X + ((centreY - a.Y) * (b.X - a.X) / (b.Y - a.Y)));
                }
                crossings.Sort();
                var row = mask.WritableRow(y);
                for (int k = 0; k + 1 < crossings.Count; k += 2)
                {
                    // Centres x + 0.5 in [left, right).
                    int from = Math.Max(0, (int)Math.Ceiling(crossings[k] - 0.5));
                    int to = Math.Min(width - 1, (int)Math.Ceiling(crossings[k + 1] - 0.5) - 1);
                    if (from <= to) row[from..(to + 1)].Fill(1);
                }
            }
        }
        return mask;
    }
}
