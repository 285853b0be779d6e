using Florence2.Tasks;
using static Florence2.Tests.Tasks.TaskAssert;

namespace Florence2.Tests.Tasks;

/// <summary>description_with_bboxes_or_polygons (spec §10.7, §15.5) on a 1000×1000 image.</summary>
public sealed class OpenVocabularyParserTests
{
    private static readonly Florence2Task OpenVocabulary = TaskCatalog.OpenVocabularyDetection;

    [Fact]
    public void Without_poly_the_output_is_labelled_boxes()
    {
        TaskResult result = Parse(OpenVocabulary, "</s><s>a car" + Box1To4 + "</s>");
        Detections([("a car", [1.5, 2.5, 3.5, 4.5])], result.Detections);
        Assert.Empty(result.Segments!);
    }

    [Fact]
    public void With_poly_anywhere_boxes_become_two_point_polygons()
    {
        TaskResult result = Parse(
            OpenVocabulary, "</s><s>a car<loc_10><loc_20><loc_30><loc_40>dog<poly><loc_1><loc_2><loc_3><loc_4><loc_5><loc_6></poly></s>");

        Assert.Empty(result.Detections!);
        IReadOnlyList<Segment> segments = result.Segments!;
        Assert.Equal(["a car", "dog"], segments.Select(s => s.Label));
        Points([10.5, 20.5, 30.5, 40.5], Assert.Single(segments[0].Polygons));
        Points([1.5, 2.5, 3.5, 4.5, 5.5, 6.5], Assert.Single(segments[1].Polygons));
    }

    [Fact]
    public void Polygon_labels_are_repaired_from_a_leading_loc_fragment_and_keep_non_ascii()
    {
        TaskResult result = Parse(OpenVocabulary, "<loc_1><loc_2><loc_3><loc_44>personné<poly><loc_5><loc_6><loc_7><loc_8></poly>");
        Segment segment = Assert.Single(result.Segments!);
        Assert.Equal("personné", segment.Label);
        Points([5.5, 6.5, 7.5, 8.5], Assert.Single(segment.Polygons));
    }

    [Fact]
    public void Polygon_branch_requires_a_label()
    {
        TaskResult result = Parse(OpenVocabulary, "<poly><loc_1><loc_2><loc_3><loc_4></poly>");
        Assert.Empty(result.Segments!);
        Assert.Empty(result.Detections!);
    }

    [Fact]
    public void Box_branch_drops_non_ascii_like_od()
    {
        Detections([("caf", [1.5, 2.5, 3.5, 4.5])], Parse(OpenVocabulary, "café" + Box1To4).Detections);
    }

    [Fact]
    public void Hf_dictionary_puts_polygons_under_polygons_and_keeps_empty_box_lists()
    {
        var parsed = Florence2PostProcessor.Parse(OpenVocabulary, "a car<poly><loc_0><loc_0><loc_9><loc_9></poly>", 1000, 1000);
        Assert.Equal(
            """{"<OPEN_VOCABULARY_DETECTION>":{"bboxes":[],"bboxes_labels":[],"polygons":[[[0.5,0.5,9.5,9.5]]],"polygons_labels":["a car"]}}""",
            Json(parsed.ToHfDictionary()));
    }
}
