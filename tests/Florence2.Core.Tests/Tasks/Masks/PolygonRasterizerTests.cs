using Florence2.Tasks;

namespace Florence2.Core.Tests.Tasks.Masks;

/// <summary>
/// The rasterisation rule on cases computed by hand: a pixel is inside when its centre (x + 0.5, y + 0.5) is inside
/// the union of the polygons, each filled even-odd; centres on a left/top edge are in, on a right/bottom edge out.
/// </summary>
public sealed class PolygonRasterizerTests
{
    private static IReadOnlyList<Point2> Poly(params double[] xy) =>
        Enumerable.Range(0, xy.Length / 2).Select(i => new Point2(xy[2 * i], xy[(2 * i) + 1])).ToList();

    /// <summary>Rows of the mask as strings of '#' (inside) and '.' (outside).</summary>
    private static string[] Picture(BinaryMask mask) =>
        Enumerable.Range(0, mask.Height)
            .Select(y => string.Concat(Enumerable.Range(0, mask.Width).Select(x => mask[x, y] ? '#' : '.')))
            .ToArray();

    [Fact]
    public void An_axis_aligned_rectangle_covers_the_pixels_whose_centres_it_contains()
    {
        // Centres 1.5, 2.5, 3.5 lie in [1, 4); 1.5, 2.5 in [1, 3).
        var mask = PolygonRasterizer.Rasterize([Poly(1, 1, 4, 1, 4, 3, 1, 3)], 6, 5);

        Assert.Equal([
            "......",
            ".###..",
            ".###..",
            "......",
            "......"], Picture(mask));
        Assert.Equal(6, mask.Area());
        Assert.Equal(new BoundingBox(1, 1, 4, 3), mask.Bounds());
    }

    [Fact]
    public void A_triangle_leaves_out_the_centres_on_its_right_hand_edge()
    {
        // Hypotenuse x + y = 4: centre (x+.5) + (y+.5) < 4 means x + y < 3; x + y = 3 lies on the edge, outside.
        var mask = PolygonRasterizer.Rasterize([Poly(0, 0, 4, 0, 0, 4)], 4, 4);

        Assert.Equal([
            "###.",
            "##..",
            "#...",
            "...."], Picture(mask));
        Assert.Equal(6, mask.Area());
        Assert.Equal(new BoundingBox(0, 0, 3, 3), mask.Bounds());
    }

    [Fact]
    public void A_polygon_that_winds_twice_around_its_middle_leaves_it_empty_even_odd()
    {
        // Outer square 0..6 and inner square 2..4 traced in the same direction, joined at (0,0)-(2,2): the non-zero
        // rule would fill the middle (winding 2); even-odd leaves the four pixels of the inner square empty.
        var mask = PolygonRasterizer.Rasterize([Poly(0, 0, 6, 0, 6, 6, 0, 6, 0, 0, 2, 2, 4, 2, 4, 4, 2, 4, 2, 2)], 6, 6);

        Assert.Equal([
            "######",
            "######",
            "##..##",
            "##..##",
            "######",
            "######"], Picture(mask));
        Assert.Equal(32, mask.Area());
    }

    [Fact]
    public void Overlapping_polygons_of_one_instance_are_united_not_xored()
    {
        var mask = PolygonRasterizer.Rasterize([Poly(0, 0, 3, 0, 3, 2, 0, 2), Poly(2, 0, 5, 0, 5, 2, 2, 2)], 6, 3);

        Assert.Equal([
            "#####.",
            "#####.",
            "......"], Picture(mask));
        Assert.Equal(10, mask.Area());
        Assert.Equal(new BoundingBox(0, 0, 5, 2), mask.Bounds());
    }

    [Fact]
    public void A_polygon_beyond_the_image_is_clipped_to_it()
    {
        var mask = PolygonRasterizer.Rasterize([Poly(-2, -2, 3, -2, 3, 3, -2, 3)], 4, 4);

        Assert.Equal([
            "###.",
            "###.",
            "###.",
            "...."], Picture(mask));
    }

    [Fact]
    public void Sub_pixel_polygons_cover_only_the_centres_they_contain()
    {
        // (1.4, 0.2)-(2.6, 1.7): only centre (1.5, 0.5) and (2.5, 0.5), (1.5, 1.5), (2.5, 1.5) — all four are inside.
        // (0.6, 0.6)-(1.4, 1.4) contains no centre at all.
        var mask = PolygonRasterizer.Rasterize([Poly(1.4, 0.2, 2.6, 0.2, 2.6, 1.7, 1.4, 1.7), Poly(0.6, 2.6, 1.4, 2.6, 1.4, 3.4, 0.6, 3.4)], 4, 4);

        Assert.Equal([
            ".##.",
            ".##.",
            "....",
            "...."], Picture(mask));
    }

    [Fact]
    public void Polygons_with_fewer_than_three_points_cover_nothing()
    {
        var mask = PolygonRasterizer.Rasterize([Poly(), Poly(1, 1), Poly(0, 0, 3, 3)], 4, 4);

        Assert.Equal(0, mask.Area());
        Assert.Null(mask.Bounds());
    }
}
