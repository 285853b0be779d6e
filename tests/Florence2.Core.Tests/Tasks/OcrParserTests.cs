using Florence2.Tasks;
using static Florence2.Tests.Tasks.TaskAssert;

namespace Florence2.Tests.Tasks;

/// <summary>ocr (OCR_WITH_REGION) edge cases (spec §10.3, §15.3) on a 1000×1000 image.</summary>
public sealed class OcrParserTests
{
    private static readonly double[] Quad = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5];

    private static IReadOnlyList<TextLine> Lines(string text, bool keepEos = false) =>
        Florence2PostProcessor.Parse(
            TaskCatalog.OcrWithRegion, text, 1000, 1000, new PostProcessingOptions { KeepEosInFirstOcrLabel = keepEos }).Result.Lines!;

    [Theory]
    [InlineData(true, "</s>", "B")]
    [InlineData(false, "", "B")]
    public void An_empty_first_line_keeps_its_quad(bool keepEos, string first, string second)
    {
        // Removing </s> before matching would merge the empty line into "B" and lose a quad (§15.3).
        var lines = Lines("</s><s>" + Quad1To8 + "B" + Quad1To8 + "</s>", keepEos);
        Assert.Equal([first, second], lines.Select(l => l.Text));
        Points(Quad, lines[0].Quad);
        Points(Quad, lines[1].Quad);
    }

    [Fact]
    public void Only_one_leading_eos_is_cut_and_only_from_the_first_label()
    {
        var lines = Lines("</s></s>A" + Quad1To8 + "</s>B" + Quad1To8);
        Assert.Equal(["</s>A", "</s>B"], lines.Select(l => l.Text));
    }

    [Fact]
    public void Labels_are_not_stripped_and_pad_stays()
    {
        var lines = Lines("</s><s> FOR ENGINEERS " + Quad1To8 + "<pad>x" + Quad1To8 + "</s><pad>");
        Assert.Equal([" FOR ENGINEERS ", "<pad>x"], lines.Select(l => l.Text));
    }

    [Fact]
    public void Repeated_bos_is_removed()
    {
        Assert.Equal(["CUDA"], Lines("</s><s><s><s>CUDA" + Quad1To8).Select(l => l.Text));
    }

    [Fact]
    public void A_newline_splits_a_label_and_only_the_part_after_it_is_kept()
    {
        var lines = Lines("AB\nCD" + Quad1To8);
        TextLine line = Assert.Single(lines);
        Assert.Equal("CD", line.Text);
        Points(Quad, line.Quad);
    }

    [Fact]
    public void Nine_loc_tokens_without_text_make_the_first_token_the_label()
    {
        TextLine line = Assert.Single(Lines(Quad1To8 + "<loc_9>"));
        Assert.Equal("<loc_1>", line.Text);
        Points([2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5], line.Quad);
    }

    [Theory]
    [InlineData("")]
    [InlineData("</s><s></s>")]
    [InlineData("</s><s>CUDA<loc_1><loc_2><loc_3><loc_4><loc_5><loc_6><loc_7></s>")] // cut off mid-quad
    [InlineData("<loc_1><loc_2><loc_3><loc_4><loc_5><loc_6><loc_7><loc_8>")] // eight tokens but no label
    public void Output_without_a_complete_labelled_quad_gives_no_line(string text)
    {
        Assert.Empty(Lines(text));
    }

    [Fact]
    public void Each_line_has_four_corners()
    {
        var lines = Lines(GoldenTests.BookCoverOcr);
        Assert.Equal(6, lines.Count);
        Assert.All(lines, l => Assert.Equal(4, l.Quad.Count));
    }
}
