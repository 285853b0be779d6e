using Florence2.Tasks;
using static Florence2.Tests.Tasks.TaskAssert;

namespace Florence2.Tests.Tasks;

/// <summary>polygons and description_with_polygons edge cases (spec §10.6) on a 1000×1000 image.</summary>
public sealed class PolygonParserTests
{
    private static IReadOnlyList<Segment> Segments(string text) =>
        Parse(TaskCatalog.ReferringExpressionSegmentation, text).Segments!;

    [Fact]
    public void A_run_of_loc_tokens_is_one_polygon_of_one_unlabelled_instance()
    {
        Segment segment = Assert.Single(Segments("</s><s><loc_10><loc_20><loc_30><loc_40><loc_50><loc_60></s>"));
        Assert.Equal(string.Empty, segment.Label);
        Points([10.5, 20.5, 30.5, 40.5, 50.5, 60.5], Assert.Single(segment.Polygons));
    }

    [Fact]
    public void An_odd_number_of_coordinates_drops_the_last_one()
    {
        Segment segment = Assert.Single(Segments("<loc_1><loc_2><loc_3><loc_4><loc_5>"));
        Points([1.5, 2.5, 3.5, 4.5], Assert.Single(segment.Polygons));
    }

    [Fact]
    public void Sep_separates_polygons_of_one_instance()
    {
        Segment segment = Assert.Single(Segments("<loc_1><loc_2><loc_3><loc_4><sep><loc_5><loc_6><loc_7><loc_8><loc_9><loc_10>"));
        Assert.Equal(2, segment.Polygons.Count);
        Points([1.5, 2.5, 3.5, 4.5], segment.Polygons[0]);
        Points([5.5, 6.5, 7.5, 8.5, 9.5, 10.5], segment.Polygons[1]);
    }

    [Fact]
    public void Single_stray_coordinates_give_empty_polygons_like_the_reference()
    {
        Segment segment = Assert.Single(Segments("<loc_1><loc_2><loc_3><loc_4><sep><loc_5><sep><loc_6>"));
        Assert.Equal(3, segment.Polygons.Count);
        Points([1.5, 2.5, 3.5, 4.5], segment.Polygons[0]);
        Assert.Empty(segment.Polygons[1]);
        Assert.Empty(segment.Polygons[2]);
    }

    [Fact]
    public void Several_poly_blocks_are_several_instances()
    {
        var segments = Segments(
            "</s><s><poly><loc_1><loc_2><loc_3><loc_4></poly><poly><loc_5><loc_6><loc_7><loc_8><sep><loc_9><loc_10><loc_11><loc_12></poly></s>");
        Assert.Equal(2, segments.Count);
        Points([1.5, 2.5, 3.5, 4.5], Assert.Single(segments[0].Polygons));
        Assert.Equal(2, segments[1].Polygons.Count);
        Points([9.5, 10.5, 11.5, 12.5], segments[1].Polygons[1]);
    }

    [Fact]
    public void A_run_not_ended_by_sep_or_the_end_is_no_polygon()
    {
        Assert.Empty(Segments("<loc_1><loc_2><loc_3><loc_4><poly>"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("</s><s></s>")]
    [InlineData("<loc_1><loc_2><loc_3>")] // fewer than four tokens is no chunk
    [InlineData("<sep><sep><poly></poly>")] // no loc token
    public void Output_without_coordinates_gives_no_segment(string text)
    {
        Assert.Empty(Segments(text));
    }

    [Fact]
    public void A_chunk_starting_with_sep_gets_the_sep_as_its_label()
    {
        // The label regex stops at <loc_ but not at <sep>, so the reference reports "<sep>" as the label.
        Segment segment = Assert.Single(Segments("<sep><loc_1><loc_2><loc_3><loc_4>"));
        Assert.Equal("<sep>", segment.Label);
    }

    [Fact]
    public void Region_to_segmentation_parses_the_same_way()
    {
        Segment segment = Assert.Single(Parse(TaskCatalog.RegionToSegmentation, "</s><s>" + Box1To4 + "</s>").Segments!);
        Points([1.5, 2.5, 3.5, 4.5], Assert.Single(segment.Polygons));
    }

    [Fact]
    public void Polygon_coordinates_use_width_for_x_and_height_for_y()
    {
        Segment segment = Assert.Single(Parse(TaskCatalog.ReferringExpressionSegmentation, "<loc_0><loc_0><loc_999><loc_999>", 10000, 10).Segments!);
        Assert.Equal([new Point2(5.0, 0.004999999888241291), new Point2(9995.0, 9.994999885559082)], segment.Polygons[0]);
    }
}
