using Florence2.Generation;
using Florence2.Tasks;

namespace Florence2.Tests.Scoring;

/// <summary>
/// Instance scores through token character spans, hand-computed from the reference's rules (spec §16.2–16.3): the tokens
/// after the decoder start token are laid end to end, positions found in the text without special tokens are shifted by 3
/// for a leading <c>&lt;s&gt;</c> plus the length of every earlier chunk, and a span scores exp(mean log-prob) of the tokens
/// overlapping it.
/// </summary>
public sealed class SpanScoreTests
{
    private const double Tolerance = 1e-12;

    /// <summary>A token with its text; log-probabilities are chosen so each expected mean is easy to write down.</summary>
    private static GeneratedToken T(string text, double logProb) => new(0, text, (float)logProb);

    private static double Mean(params double[] values) => values.Select(v => (double)(float)v).Average();

    private static ParsedGeneration Parse(string task, IReadOnlyList<GeneratedToken> tokens, string? decodedText = null) =>
        Florence2PostProcessor.Parse(TaskCatalog.Find(task), decodedText ?? "</s>" + string.Concat(tokens.Select(t => t.Text)), 1000, 1000,
            tokens: tokens);

    [Fact]
    public void Od_boxes_score_their_own_four_locs_and_labels_their_text_after_the_leading_s()
    {
        GeneratedToken[] tokens =
        [
            T("<s>", -0.01), T("car", -0.1),
            T("<loc_53>", -0.2), T("<loc_333>", -0.3), T("<loc_933>", -0.4), T("<loc_774>", -0.5),
            T("door", -0.7),
            T("<loc_712>", -1.0), T("<loc_203>", -1.1), T("<loc_906>", -1.2), T("<loc_545>", -1.3),
            T("</s>", -0.05),
        ];

        var detections = Parse("od", tokens).Result.Detections!;

        Assert.Equal(["car", "door"], detections.Select(d => d.Label));
        Assert.Equal(Math.Exp(Mean(-0.2, -0.3, -0.4, -0.5)), detections[0].Score!.Value, Tolerance);
        Assert.Equal(Math.Exp(Mean(-0.1)), detections[0].LabelScore!.Value, Tolerance);
        // The second chunk's positions are shifted by the first chunk's length: its locs, not the first box's.
        Assert.Equal(Math.Exp(Mean(-1.0, -1.1, -1.2, -1.3)), detections[1].Score!.Value, Tolerance);
        Assert.Equal(Math.Exp(Mean(-0.7)), detections[1].LabelScore!.Value, Tolerance);
    }

    [Fact]
    public void A_phrase_with_two_boxes_scores_each_box_apart_and_shares_a_label_of_several_tokens()
    {
        GeneratedToken[] tokens =
        [
            T("<s>", 0), T("turqu", -0.3), T("oise", -0.1), T(" wheel", -0.2),
            T("<loc_704>", -0.5), T("<loc_576>", -0.5), T("<loc_864>", -0.5), T("<loc_772>", -0.5),
            T("<loc_148>", -2.0), T("<loc_584>", -1.0), T("<loc_308>", -1.0), T("<loc_773>", -1.0),
            T("</s>", 0),
        ];

        var detections = Parse("dense_region_caption", tokens).Result.Detections!;

        Assert.Equal(2, detections.Count);
        Assert.All(detections, d => Assert.Equal("turquoise wheel", d.Label));
        Assert.Equal(Math.Exp(-0.5), detections[0].Score!.Value, 1e-7);
        Assert.Equal(Math.Exp(Mean(-2.0, -1.0, -1.0, -1.0)), detections[1].Score!.Value, Tolerance);
        Assert.All(detections, d => Assert.Equal(Math.Exp(Mean(-0.3, -0.1, -0.2)), d.LabelScore!.Value, Tolerance));
    }

    [Fact]
    public void Without_a_leading_s_there_is_no_offset()
    {
        GeneratedToken[] tokens = [T("car", -0.1), T("<loc_1>", -0.2), T("<loc_2>", -0.2), T("<loc_3>", -0.2), T("<loc_4>", -0.2), T("</s>", 0)];

        var detection = Assert.Single(Parse("od", tokens).Result.Detections!);

        Assert.Equal(Math.Exp(Mean(-0.2, -0.2, -0.2, -0.2)), detection.Score!.Value, Tolerance);
        Assert.Equal(Math.Exp(Mean(-0.1)), detection.LabelScore!.Value, Tolerance);
    }

    /// <summary>
    /// The reference shifts by 3 for the first <c>&lt;s&gt;</c> only, so with "&lt;s&gt;&lt;s&gt;car…" every span lands 3
    /// characters early: the label "car" [3, 6) covers the second &lt;s&gt;, the box [6, 6 + 28) covers "car" [6, 9) and
    /// the first three locs (each 7 characters: [9, 16), [16, 23), [23, 30)) and reaches into the fourth [30, 37).
    /// </summary>
    [Fact]
    public void A_repeated_leading_s_shifts_spans_exactly_as_the_reference_does()
    {
        GeneratedToken[] tokens =
        [
            T("<s>", 0), T("<s>", -0.9), T("car", -0.1),
            T("<loc_1>", -0.2), T("<loc_2>", -0.3), T("<loc_3>", -0.4), T("<loc_4>", -0.5), T("</s>", 0),
        ];

        var detection = Assert.Single(Parse("od", tokens).Result.Detections!);

        Assert.Equal(Math.Exp(Mean(-0.9)), detection.LabelScore!.Value, Tolerance);
        Assert.Equal(Math.Exp(Mean(-0.1, -0.2, -0.3, -0.4, -0.5)), detection.Score!.Value, Tolerance);
    }

    [Fact]
    public void Region_proposals_have_box_scores_and_no_label_score()
    {
        GeneratedToken[] tokens =
        [
            T("<s>", 0), T("<loc_10>", -0.1), T("<loc_20>", -0.1), T("<loc_30>", -0.1), T("<loc_40>", -0.1),
            T("<loc_50>", -0.3), T("<loc_60>", -0.3), T("<loc_70>", -0.3), T("<loc_80>", -0.3), T("</s>", 0),
        ];

        var detections = Parse("region_proposal", tokens).Result.Detections!;

        Assert.Equal([Math.Exp(Mean(-0.1, -0.1, -0.1, -0.1)), Math.Exp(Mean(-0.3, -0.3, -0.3, -0.3))], detections.Select(d => d.Score!.Value));
        Assert.All(detections, d => Assert.Null(d.LabelScore));
    }

    [Fact]
    public void Grounding_skips_a_blacklisted_phrase_but_still_counts_its_length()
    {
        GeneratedToken[] tokens =
        [
            T("<s>", 0), T("it", -3.0), T("<loc_1>", -3.0), T("<loc_2>", -3.0), T("<loc_3>", -3.0), T("<loc_4>", -3.0),
            T("a", -0.2), T(" car", -0.4), T("<loc_5>", -0.1), T("<loc_6>", -0.1), T("<loc_7>", -0.1), T("<loc_8>", -0.3), T("</s>", 0),
        ];

        var detection = Assert.Single(Parse("phrase_grounding", tokens).Result.Detections!);

        Assert.Equal("a car", detection.Label);
        Assert.Equal(Math.Exp(Mean(-0.1, -0.1, -0.1, -0.3)), detection.Score!.Value, Tolerance);
        Assert.Equal(Math.Exp(Mean(-0.2, -0.4)), detection.LabelScore!.Value, Tolerance);
    }

    [Fact]
    public void Ocr_lines_score_their_eight_locs_and_their_text()
    {
        GeneratedToken[] tokens =
        [
            T("<s>", 0), T("CU", -0.2), T("DA", -0.4),
            .. Enumerable.Range(1, 8).Select(i => T($"<loc_{i}>", -0.1 * i)),
            T("FOR", -1.5),
            .. Enumerable.Range(1, 8).Select(i => T($"<loc_{100 + i}>", -0.05)),
            T("</s>", 0),
        ];

        var lines = Parse("ocr_with_region", tokens).Result.Lines!;

        Assert.Equal(["CUDA", "FOR"], lines.Select(l => l.Text));
        Assert.Equal(Math.Exp(Mean(-0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8)), lines[0].Score!.Value, Tolerance);
        Assert.Equal(Math.Exp(Mean(-0.2, -0.4)), lines[0].LabelScore!.Value, Tolerance);
        Assert.Equal(Math.Exp(Mean(Enumerable.Repeat(-0.05, 8).ToArray())), lines[1].Score!.Value, Tolerance);
        Assert.Equal(Math.Exp(Mean(-1.5)), lines[1].LabelScore!.Value, Tolerance);
    }

    [Fact]
    public void An_empty_first_ocr_line_keeps_its_quad_and_its_score()
    {
        // The decoded text starts with the decoder start token's "</s>", which is the first line's whole label; the span
        // text has no such token, yet both parses must find the same two lines.
        GeneratedToken[] tokens =
        [
            T("<s>", 0),
            .. Enumerable.Range(1, 8).Select(i => T($"<loc_{i}>", -0.3)),
            T("FOR", -1.5),
            .. Enumerable.Range(1, 8).Select(i => T($"<loc_{100 + i}>", -0.05)),
            T("</s>", 0),
        ];

        var lines = Parse("ocr_with_region", tokens).Result.Lines!;

        Assert.Equal(["", "FOR"], lines.Select(l => l.Text));
        Assert.Equal(Math.Exp(Mean(Enumerable.Repeat(-0.3, 8).ToArray())), lines[0].Score!.Value, Tolerance);
        Assert.Null(lines[0].LabelScore);
        Assert.Equal(Math.Exp(Mean(Enumerable.Repeat(-0.05, 8).ToArray())), lines[1].Score!.Value, Tolerance);
        Assert.Equal(Math.Exp(Mean(-1.5)), lines[1].LabelScore!.Value, Tolerance);
    }

    [Fact]
    public void A_polygon_instance_scores_all_its_locs_across_sep_and_not_the_separators()
    {
        GeneratedToken[] tokens =
        [
            T("<s>", 0), T("<poly>", -2.0),
            T("<loc_100>", -0.1), T("<loc_200>", -0.1), T("<loc_300>", -0.1), T("<loc_210>", -0.1),
            T("<sep>", -5.0),
            T("<loc_500>", -0.4), T("<loc_510>", -0.4), T("<loc_600>", -0.4), T("<loc_520>", -0.4),
            T("</poly>", -2.0), T("</s>", 0),
        ];

        var segment = Assert.Single(Parse("referring_expression_segmentation", tokens).Result.Segments!);

        Assert.Equal(2, segment.Polygons.Count);
        Assert.Equal(Math.Exp(Mean(-0.1, -0.1, -0.1, -0.1, -0.4, -0.4, -0.4, -0.4)), segment.Score!.Value, Tolerance);
        Assert.Null(segment.LabelScore); // the segmentation label is empty
    }

    [Fact]
    public void Open_vocabulary_polygons_carry_a_label_score()
    {
        GeneratedToken[] tokens =
        [
            T("<s>", 0), T("car", -0.6), T("<poly>", 0),
            T("<loc_1>", -0.2), T("<loc_2>", -0.2), T("<loc_3>", -0.2), T("<loc_4>", -0.2), T("<loc_5>", -0.2), T("<loc_6>", -0.2),
            T("</poly>", 0), T("</s>", 0),
        ];

        var segment = Assert.Single(Parse("open_vocabulary_detection", tokens).Result.Segments!);

        Assert.Equal("car", segment.Label);
        Assert.Equal(Math.Exp(Mean(-0.2, -0.2, -0.2, -0.2, -0.2, -0.2)), segment.Score!.Value, Tolerance);
        Assert.Equal(Math.Exp(Mean(-0.6)), segment.LabelScore!.Value, Tolerance);
    }

    [Fact]
    public void Labels_come_from_the_cleaned_up_text_and_scores_from_the_span_text()
    {
        // decode() cleans " ." up to "."; decode_with_spans does not. The instance is the same; the label is decode()'s.
        GeneratedToken[] tokens =
        [
            T("<s>", 0), T("car", -0.1), T(" .", -0.3),
            T("<loc_1>", -0.2), T("<loc_2>", -0.2), T("<loc_3>", -0.2), T("<loc_4>", -0.2), T("</s>", 0),
        ];

        var detection = Assert.Single(Parse("od", tokens, "</s><s>car.<loc_1><loc_2><loc_3><loc_4></s>").Result.Detections!);

        Assert.Equal("car.", detection.Label);
        Assert.Equal(Math.Exp(Mean(-0.2, -0.2, -0.2, -0.2)), detection.Score!.Value, Tolerance);
        Assert.Equal(Math.Exp(Mean(-0.1, -0.3)), detection.LabelScore!.Value, Tolerance);
    }

    [Fact]
    public void The_hf_dictionary_never_carries_scores_and_text_alone_gives_none()
    {
        GeneratedToken[] tokens = [T("<s>", 0), T("car", -0.1), T("<loc_1>", -0.2), T("<loc_2>", -0.2), T("<loc_3>", -0.2), T("<loc_4>", -0.2), T("</s>", 0)];

        var scored = Parse("od", tokens);
        var plain = Florence2PostProcessor.Parse(TaskCatalog.Find("od"), "</s><s>car<loc_1><loc_2><loc_3><loc_4></s>", 1000, 1000);

        Assert.NotNull(Assert.Single(scored.Result.Detections!).Score);
        Assert.Null(Assert.Single(plain.Result.Detections!).Score);
        Assert.Equal(plain.ToHfDictionary().ToJsonString(), scored.ToHfDictionary().ToJsonString());
        Assert.DoesNotContain("score", scored.ToHfDictionary().ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Min_score_drops_less_confident_instances_and_keeps_unscored_ones()
    {
        var high = new Detection("a", new BoundingBox(0, 0, 1, 1)) { Score = 0.9 };
        var low = new Detection("b", new BoundingBox(0, 0, 1, 1)) { Score = 0.2 };
        var exact = new Detection("c", new BoundingBox(0, 0, 1, 1)) { Score = 0.5 };
        var unscored = new Detection("d", new BoundingBox(0, 0, 1, 1));
        var line = new TextLine("x", []) { Score = 0.4 };
        var segment = new Segment("", []) { Score = 0.6 };

        Assert.Equal([high, exact, unscored], ScoreFilter.AtLeast(TaskResult.FromDetections([high, low, exact, unscored]), 0.5).Detections!);
        Assert.Empty(ScoreFilter.AtLeast(TaskResult.FromLines([line]), 0.5).Lines!);
        Assert.Equal([segment], ScoreFilter.AtLeast(TaskResult.FromDetectionsAndSegments([low], [segment]), 0.5).Segments!);
        Assert.Equal("text", ScoreFilter.AtLeast(TaskResult.FromText("text"), 0.5).Text);
    }
}
