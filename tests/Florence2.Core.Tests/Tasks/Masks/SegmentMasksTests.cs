using Florence2.Tasks;
using Florence2.Tests;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Core.Tests.Tasks.Masks;

/// <summary>COCO RLE worked by hand, checked by a decoder written from the format's description, and the PNG mask.</summary>
public sealed class SegmentMasksTests
{
    private static BinaryMask Mask(params string[] rows)
    {
        var polygons = new List<IReadOnlyList<Point2>>();
        for (int y = 0; y < rows.Length; y++)
            for (int x = 0; x < rows[y].Length; x++)
                if (rows[y][x] == '#') polygons.Add([new(x, y), new(x + 1, y), new(x + 1, y + 1), new(x, y + 1)]);
        return PolygonRasterizer.Rasterize(polygons, rows[0].Length, rows.Length);
    }

    [Theory]
    // Column-major 0 0 | 1 1 | 0 1 -> runs 2, 2, 1, 1; the fourth is stored as 1 - 2 = -1: group 31 -> 'O'.
    [InlineData(new[] { ".#.", ".##" }, "221O")]
    // The first pixel is set: the runs start with an empty run of 0s.
    [InlineData(new[] { "##", "##" }, "04")]
    // One run of 100 zeros: 100 = 3·32 + 4 -> groups 4 (with 0x20, more follows: 'T') and 3 ('3').
    [InlineData(new[] { "..........", "..........", "..........", "..........", "..........", "..........", "..........", "..........", "..........", ".........." }, "T3")]
    public void Rle_counts_are_the_compressed_column_major_runs(string[] rows, string counts)
    {
        var rle = CocoRle.Encode(Mask(rows));

        Assert.Equal(counts, rle.Counts);
        Assert.Equal([rows.Length, rows[0].Length], rle.Size);
    }

    [Fact]
    public void Rle_decodes_to_the_rasterised_polygons_and_png_to_the_same_mask()
    {
        var segment = new Segment("", [
            [new(3.2, 1.7), new(40.9, 5.1), new(33.3, 27.8), new(8.8, 22.2)],
            [new(20, 20), new(47.5, 20), new(47.5, 31.5)],
        ]);
        var mask = PolygonRasterizer.Rasterize(segment.Polygons, 48, 32);

        var withRle = SegmentMasks.Measure(segment, 48, 32, MaskFormat.Rle);
        var withPng = SegmentMasks.Measure(segment, 48, 32, MaskFormat.Png);

        Assert.NotNull(withRle.Rle);
        Assert.Null(withRle.MaskPng);
        Assert.Equal([32, 48], withRle.Rle.Size);
        var decoded = CocoRleDecoder.Decode(32, 48, withRle.Rle.Counts);
        using var png = Image.Load<L8>(Convert.FromBase64String(withPng.MaskPng!));
        Assert.Equal((48, 32), (png.Width, png.Height));
        long set = 0;
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 48; x++)
            {
                Assert.True(mask[x, y] == decoded[y, x], $"RLE differs from the polygons at ({x}, {y})");
                Assert.Equal(mask[x, y] ? 255 : 0, png[x, y].PackedValue);
                if (decoded[y, x]) set++;
            }
        Assert.InRange(set, 500, 48 * 32 - 1);   // a real shape, neither empty nor everything
        Assert.Equal(set, withRle.Area);
        Assert.Equal(mask.Bounds(), withRle.Bbox);
    }

    [Fact]
    public void Polygon_format_adds_box_and_area_but_no_mask()
    {
        var segment = SegmentMasks.Measure(new Segment("cat", [[new(1, 1), new(4, 1), new(4, 3), new(1, 3)]]), 6, 5, MaskFormat.Polygon);

        Assert.Equal(6, segment.Area);
        Assert.Equal(new BoundingBox(1, 1, 4, 3), segment.Bbox);
        Assert.Null(segment.Rle);
        Assert.Null(segment.MaskPng);
    }
}
