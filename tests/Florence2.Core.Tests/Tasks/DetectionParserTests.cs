using Florence2.Tasks;
using static Florence2.Tests.Tasks.TaskAssert;

namespace Florence2.Tests.Tasks;

/// <summary>
/// description_with_bboxes / bboxes edge cases (spec §10.4, §15.4). On a 1000×1000 image bin q dequantizes to q + 0.5,
/// so the expected boxes can be read off the loc tokens.
/// </summary>
public sealed class DetectionParserTests
{
    private static readonly Florence2Task Od = TaskCatalog.ObjectDetection;

    [Theory]
    [InlineData("café<loc_1><loc_2><loc_3><loc_4>", "caf")]
    [InlineData("日本の車<loc_1><loc_2><loc_3><loc_4>", "")]
    [InlineData("naïve dog 🐶<loc_1><loc_2><loc_3><loc_4>", "nave dog ")] // stripped first, then non-ASCII dropped: the space stays
    public void Non_ascii_characters_are_dropped_from_labels(string text, string label)
    {
        Detections([(label, [1.5, 2.5, 3.5, 4.5])], Parse(Od, text).Detections);
    }

    [Fact]
    public void Repeated_bos_eos_and_trailing_pad_are_removed()
    {
        Detections(
            [("car", [1.5, 2.5, 3.5, 4.5])],
            Parse(Od, "</s><s><s><s>car<loc_1><loc_2><loc_3><loc_4></s><pad><pad><pad>").Detections);
    }

    [Fact]
    public void Special_tokens_inside_a_label_are_removed_before_chunking()
    {
        Detections([("red car", [1.5, 2.5, 3.5, 4.5])], Parse(Od, "red<pad> car</s><loc_1><loc_2><loc_3><loc_4>").Detections);
    }

    [Theory]
    [InlineData("")]
    [InlineData("</s><s></s>")]
    [InlineData("</s><s>a car</s>")]
    [InlineData("<pad><pad>")]
    public void Output_without_a_box_gives_no_detection(string text)
    {
        Assert.Empty(Parse(Od, text).Detections!);
    }

    [Fact]
    public void One_label_followed_by_several_boxes_gives_one_detection_per_box()
    {
        Detections(
            [("wheel", [1.5, 2.5, 3.5, 4.5]), ("wheel", [5.5, 6.5, 7.5, 8.5])],
            Parse(Od, "wheel<loc_1><loc_2><loc_3><loc_4><loc_5><loc_6><loc_7><loc_8>").Detections);
    }

    [Theory]
    [InlineData("car<loc_1><loc_2><loc_3><loc_4><loc_9>dog<loc_5><loc_6><loc_7><loc_8>")]
    [InlineData("car<loc_1><loc_2><loc_3><loc_4><loc_9><loc_9>dog<loc_5><loc_6><loc_7><loc_8>")]
    [InlineData("car<loc_1><loc_2><loc_3><loc_4><loc_9><loc_9><loc_9>dog<loc_5><loc_6><loc_7><loc_8>")]
    public void One_to_three_leftover_loc_tokens_after_a_box_are_ignored(string text)
    {
        Detections([("car", [1.5, 2.5, 3.5, 4.5]), ("dog", [5.5, 6.5, 7.5, 8.5])], Parse(Od, text).Detections);
    }

    [Fact]
    public void Output_cut_off_mid_box_keeps_only_the_complete_boxes()
    {
        Detections(
            [("car", [1.5, 2.5, 3.5, 4.5])],
            Parse(Od, "</s><s>car<loc_1><loc_2><loc_3><loc_4>dog<loc_5><loc_6>").Detections);
        Detections(
            [("car", [1.5, 2.5, 3.5, 4.5])],
            Parse(Od, "</s><s>car<loc_1><loc_2><loc_3><loc_4>dog<loc_5><loc_6><loc_").Detections);
    }

    [Fact]
    public void Output_starting_with_a_box_loses_it_and_the_next_label_starts_with_a_loc_fragment()
    {
        // §15.4: "[^<]+" starts right after the '<' of the last token of the first box.
        Detections(
            [("loc_44>person", [5.5, 6.5, 7.5, 8.5])],
            Parse(Od, "</s><s><loc_1><loc_2><loc_3><loc_44>person<loc_5><loc_6><loc_7><loc_8></s>").Detections);
    }

    [Fact]
    public void Three_loc_tokens_before_a_label_become_part_of_it()
    {
        Detections(
            [("loc_3>car", [4.5, 5.5, 6.5, 7.5])],
            Parse(Od, "<loc_1><loc_2><loc_3>car<loc_4><loc_5><loc_6><loc_7>").Detections);
    }

    [Theory]
    [InlineData("red\ncar<loc_1><loc_2><loc_3><loc_4>")] // '.' stops at the newline before any loc token
    [InlineData("car\n<loc_1><loc_2><loc_3><loc_4>")]
    public void A_newline_inside_or_after_a_label_drops_the_chunk(string text)
    {
        Assert.Empty(Parse(Od, text).Detections!);
    }

    [Theory]
    [InlineData("\ncar<loc_1><loc_2><loc_3><loc_4>")] // a leading newline is whitespace before the label
    [InlineData("\u001C\n car <loc_1><loc_2><loc_3><loc_4>")] // U+001C is whitespace for Python, not for .NET's \s
    public void Leading_python_whitespace_including_newlines_is_skipped(string text)
    {
        Detections([("car", [1.5, 2.5, 3.5, 4.5])], Parse(Od, text).Detections);
    }

    [Fact]
    public void A_label_made_only_of_spaces_is_kept_as_an_empty_label()
    {
        Detections(
            [("car", [1.5, 2.5, 3.5, 4.5]), ("", [5.5, 6.5, 7.5, 8.5])],
            Parse(Od, "car<loc_1><loc_2><loc_3><loc_4>   <loc_5><loc_6><loc_7><loc_8>").Detections);
    }

    [Fact]
    public void Label_text_before_the_first_loc_is_kept_even_with_other_tags_removed()
    {
        // Spaces around a label are stripped; inner spaces stay.
        Detections([("a  red car", [1.5, 2.5, 3.5, 4.5])], Parse(Od, "  a  red car \t<loc_1><loc_2><loc_3><loc_4>").Detections);
    }

    [Theory]
    [InlineData("car<loc_\u0663><loc_2><loc_3><loc_4>", 3.5)] // Arabic-Indic three is a decimal digit for \d and int()
    [InlineData("car<loc_1500><loc_2><loc_3><loc_4>", 1500.5)] // no clamping on dequantize
    [InlineData("car<loc_99999999999999999999999999999><loc_2><loc_3><loc_4>", 2147483648.0)] // saturated, never throws
    public void Unusual_bin_numbers_are_read_without_throwing(string text, double expectedX1)
    {
        Detection detection = Assert.Single(Parse(Od, text).Detections!);
        Assert.Equal(expectedX1, detection.Box.X1);
    }

    [Fact]
    public void Bins_0_and_999_on_a_1x1_image()
    {
        Detection d = Assert.Single(Parse(Od, "dot<loc_0><loc_0><loc_999><loc_999>", 1, 1).Detections!);
        Assert.Equal(new BoundingBox(0.0005000000237487257, 0.0005000000237487257, 0.999500036239624, 0.999500036239624), d.Box);
    }

    [Fact]
    public void Bins_0_and_999_on_a_10000x10_image()
    {
        Detection d = Assert.Single(Parse(Od, "line<loc_0><loc_0><loc_999><loc_999>", 10000, 10).Detections!);
        Assert.Equal(new BoundingBox(5.0, 0.004999999888241291, 9995.0, 9.994999885559082), d.Box);
    }

    [Fact]
    public void Region_proposal_ignores_text_and_labels_every_box_empty()
    {
        Detections(
            [("", [1.5, 2.5, 3.5, 4.5]), ("", [5.5, 6.5, 7.5, 8.5])],
            Parse(TaskCatalog.RegionProposal, "</s><s>car<loc_1><loc_2><loc_3><loc_4>x<loc_5><loc_6><loc_7><loc_8><loc_9></s>").Detections);
    }

    [Fact]
    public void Dense_region_caption_uses_the_same_rules_as_od()
    {
        Detections(
            [("loc_4>a red car", [5.5, 6.5, 7.5, 8.5])],
            Parse(TaskCatalog.DenseRegionCaption, Box1To4 + "a red car<loc_5><loc_6><loc_7><loc_8>").Detections);
    }

    [Fact]
    public void Truncated_integer_coordinates_follow_native_transformers()
    {
        var parsed = Florence2PostProcessor.Parse(
            Od, "car<loc_53><loc_333><loc_933><loc_774>", 640, 480, new PostProcessingOptions { Coordinates = CoordinateFormat.TruncatedInteger });
        Assert.Equal(new BoundingBox(34, 160, 597, 371), Assert.Single(parsed.Result.Detections!).Box);
        Assert.Equal("""{"<OD>":{"bboxes":[[34,160,597,371]],"labels":["car"]}}""", Json(parsed.ToHfDictionary()));
    }
}
