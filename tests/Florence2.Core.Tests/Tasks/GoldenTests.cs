using System.Text.Json.Nodes;
using Florence2.Tasks;

namespace Florence2.Tests.Tasks;

/// <summary>
/// Spec §11 golden data, run through the whole path: generated text → typed result → HF dictionary (tolerance 1e-3).
/// "beetle" is 640×480, "book_cover" 403×500.
/// </summary>
public sealed class GoldenTests
{
    private const int BeetleWidth = 640;
    private const int BeetleHeight = 480;

    [Fact]
    public void Caption()
    {
        var parsed = Parse(TaskCatalog.Caption, "</s><s>A green car parked in front of a yellow building.</s>");

        Assert.Equal("A green car parked in front of a yellow building.", parsed.Result.Text);
        Assert.Equal(
            """{"<CAPTION>":"A green car parked in front of a yellow building."}""",
            TaskAssert.Json(parsed.ToHfDictionary()));
    }

    [Fact]
    public void Object_detection()
    {
        var parsed = Parse(
            TaskCatalog.ObjectDetection,
            "</s><s><s><s>car<loc_53><loc_333><loc_933><loc_774>door<loc_712><loc_203><loc_906><loc_545>wheel<loc_704><loc_576><loc_866><loc_772><loc_149><loc_584><loc_310><loc_773></s>");

        (string, double[])[] expected =
        [
            ("car", [34.24, 160.08, 597.44, 371.76]),
            ("door", [456.0, 97.68, 580.16, 261.84]),
            ("wheel", [450.88, 276.72, 554.56, 370.8]),
            ("wheel", [95.68, 280.56, 198.72, 371.28]),
        ];
        TaskAssert.Detections(expected, parsed.Result.Detections);
        AssertHfBoxes(parsed.ToHfDictionary(), "<OD>", "bboxes", "labels", expected);
    }

    [Fact]
    public void Dense_region_caption()
    {
        var parsed = Parse(
            TaskCatalog.DenseRegionCaption,
            "</s><s>turquoise Volkswagen Beetle<loc_52><loc_333><loc_932><loc_774>wheel<loc_704><loc_576><loc_864><loc_772><loc_148><loc_584><loc_308><loc_773></s>");

        (string, double[])[] expected =
        [
            ("turquoise Volkswagen Beetle", [33.6, 160.08, 596.8, 371.76]),
            ("wheel", [450.88, 276.72, 553.28, 370.8]),
            ("wheel", [95.04, 280.56, 197.44, 371.28]),
        ];
        TaskAssert.Detections(expected, parsed.Result.Detections);
        AssertHfBoxes(parsed.ToHfDictionary(), "<DENSE_REGION_CAPTION>", "bboxes", "labels", expected);
    }

    [Fact]
    public void Region_proposal()
    {
        int[] bins =
        [
            52, 333, 932, 774, 711, 203, 905, 545, 704, 576, 864, 772, 148, 584, 309, 773,
            354, 184, 519, 342, 102, 555, 135, 616, 424, 503, 472, 514, 637, 642, 646, 668,
        ];
        string text = "</s><s><s><s>" + string.Concat(bins.Select(b => $"<loc_{b}>")) + "</s>";

        var parsed = Parse(TaskCatalog.RegionProposal, text);

        (string, double[])[] expected =
        [
            ("", [33.6, 160.08, 596.8, 371.76]), ("", [455.36, 97.68, 579.52, 261.84]),
            ("", [450.88, 276.72, 553.28, 370.8]), ("", [95.04, 280.56, 198.08, 371.28]),
            ("", [226.88, 88.56, 332.48, 164.4]), ("", [65.6, 266.64, 86.72, 295.92]),
            ("", [271.68, 241.68, 302.4, 246.96]), ("", [408.0, 308.4, 413.76, 320.88]),
        ];
        TaskAssert.Detections(expected, parsed.Result.Detections);
        AssertHfBoxes(parsed.ToHfDictionary(), "<REGION_PROPOSAL>", "bboxes", "labels", expected);
    }

    [Fact]
    public void Caption_to_phrase_grounding()
    {
        var parsed = Parse(
            TaskCatalog.PhraseGrounding,
            "</s><s><s><s>A green car<loc_54><loc_330><loc_911><loc_780>a yellow building<loc_0><loc_8><loc_998><loc_635></s>");

        (string, double[])[] expected =
        [
            ("A green car", [34.88, 158.64, 583.36, 374.64]),
            ("a yellow building", [0.32, 4.08, 639.04, 305.04]),
        ];
        TaskAssert.Detections(expected, parsed.Result.Detections);
        AssertHfBoxes(parsed.ToHfDictionary(), "<CAPTION_TO_PHRASE_GROUNDING>", "bboxes", "labels", expected);
    }

    [Theory]
    [InlineData("<REGION_TO_CATEGORY>", "</s><s>car<loc_52><loc_332><loc_932><loc_774></s>", "car<loc_52><loc_332><loc_932><loc_774>")]
    [InlineData(
        "<REGION_TO_DESCRIPTION>",
        "</s><s>turquoise Volkswagen Beetle<loc_52><loc_332><loc_932><loc_774></s>",
        "turquoise Volkswagen Beetle<loc_52><loc_332><loc_932><loc_774>")]
    public void Region_to_text_tasks_keep_loc_tokens(string token, string generated, string expected)
    {
        var parsed = Parse(TaskCatalog.Find(token), generated);

        Assert.Equal(expected, parsed.Result.Text);
        Assert.Equal(expected, parsed.ToHfDictionary()[token]!.GetValue<string>());
    }

    /// <summary>
    /// The spec's OCR golden is cut off after the second label; the remaining quads are made up (plausible lines of the
    /// book cover) so that all six labels can be checked; only the first quad's values come from the spec.
    /// </summary>
    public const string BookCoverOcr =
        "</s><s><s><s>CUDA<loc_414><loc_100><loc_932><loc_100><loc_932><loc_229><loc_414><loc_229>" +
        "FOR ENGINEERS<loc_359><loc_241><loc_932><loc_241><loc_932><loc_292><loc_359><loc_292>" +
        "An Introduction to High-Performance<loc_114><loc_327><loc_932><loc_327><loc_932><loc_370><loc_114><loc_370>" +
        "Parallel Computing<loc_488><loc_381><loc_932><loc_381><loc_932><loc_424><loc_488><loc_424>" +
        "DUANE STORTI<loc_568><loc_838><loc_932><loc_838><loc_932><loc_872><loc_568><loc_872>" +
        "METE YURTOGLU<loc_545><loc_885><loc_932><loc_885><loc_932><loc_920><loc_545><loc_920></s>";

    private static readonly double[] CudaQuad =
        [167.0435028076172, 50.25, 375.7974853515625, 50.25, 375.7974853515625, 114.75, 167.0435028076172, 114.75];

    [Theory]
    [InlineData(false, "CUDA")]
    [InlineData(true, "</s>CUDA")]
    public void Ocr_with_region(bool keepEos, string firstLabel)
    {
        var options = new PostProcessingOptions { KeepEosInFirstOcrLabel = keepEos };
        var parsed = Florence2PostProcessor.Parse(TaskCatalog.OcrWithRegion, BookCoverOcr, 403, 500, options);

        string[] labels =
            [firstLabel, "FOR ENGINEERS", "An Introduction to High-Performance", "Parallel Computing", "DUANE STORTI", "METE YURTOGLU"];
        Assert.NotNull(parsed.Result.Lines);
        Assert.Equal(labels, parsed.Result.Lines.Select(l => l.Text));
        TaskAssert.Points(CudaQuad, parsed.Result.Lines[0].Quad);

        JsonNode hf = parsed.ToHfDictionary()["<OCR_WITH_REGION>"]!;
        Assert.Equal(labels, hf["labels"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(6, hf["quad_boxes"]!.AsArray().Count);
        // Bit-equal with the Python float32 output.
        Assert.Equal(CudaQuad, hf["quad_boxes"]![0]!.AsArray().Select(n => n!.GetValue<double>()));
    }

    [Fact]
    public void Referring_expression_segmentation()
    {
        var parsed = Parse(
            TaskCatalog.ReferringExpressionSegmentation,
            "</s><s><loc_279><loc_379><loc_282><loc_379><loc_290><loc_385><loc_281><loc_396></s>");

        Segment segment = Assert.Single(parsed.Result.Segments!);
        Assert.Equal(string.Empty, segment.Label);
        IReadOnlyList<Point2> polygon = Assert.Single(segment.Polygons);
        TaskAssert.Close(178.88, polygon[0].X);
        TaskAssert.Close(182.16, polygon[0].Y);
        Assert.Equal(4, polygon.Count);

        JsonNode hf = parsed.ToHfDictionary()["<REFERRING_EXPRESSION_SEGMENTATION>"]!;
        JsonArray flat = hf["polygons"]![0]![0]!.AsArray(); // polygons[instance][polygon][flat coords]
        Assert.Equal(8, flat.Count);
        TaskAssert.Close(178.88, flat[0]!.GetValue<double>());
        TaskAssert.Close(182.16, flat[1]!.GetValue<double>());
        Assert.Equal([""], hf["labels"]!.AsArray().Select(n => n!.GetValue<string>()));

        // HF-TEST prints the native-transformers ints 178, 182.
        var truncated = Florence2PostProcessor.Parse(
            TaskCatalog.ReferringExpressionSegmentation, "</s><s><loc_279><loc_379><loc_282><loc_379></s>", BeetleWidth, BeetleHeight,
            new PostProcessingOptions { Coordinates = CoordinateFormat.TruncatedInteger });
        Assert.Equal(
            """{"<REFERRING_EXPRESSION_SEGMENTATION>":{"polygons":[[[178,182,180,182]]],"labels":[""]}}""",
            TaskAssert.Json(truncated.ToHfDictionary()));
    }

    [Fact]
    public void Open_vocabulary_detection_with_boxes()
    {
        var parsed = Parse(TaskCatalog.OpenVocabularyDetection, "</s><s><s>a green car<loc_53><loc_330><loc_910><loc_779></s>");

        TaskAssert.Detections([("a green car", [34.24, 158.64, 582.72, 374.16])], parsed.Result.Detections);
        Assert.Empty(parsed.Result.Segments!);
        JsonNode hf = parsed.ToHfDictionary()["<OPEN_VOCABULARY_DETECTION>"]!;
        Assert.Equal(["bboxes", "bboxes_labels", "polygons", "polygons_labels"], hf.AsObject().Select(p => p.Key));
        Assert.Empty(hf["polygons"]!.AsArray());
        Assert.Empty(hf["polygons_labels"]!.AsArray());
        AssertHfBoxes(parsed.ToHfDictionary(), "<OPEN_VOCABULARY_DETECTION>", "bboxes", "bboxes_labels", [("a green car", [34.24, 158.64, 582.72, 374.16])]);
    }

    private static ParsedGeneration Parse(Florence2Task task, string text) =>
        Florence2PostProcessor.Parse(task, text, BeetleWidth, BeetleHeight, PostProcessingOptions.Default);

    private static void AssertHfBoxes(
        JsonObject hf, string token, string boxesKey, string labelsKey, IReadOnlyList<(string Label, double[] Box)> expected)
    {
        Assert.Equal([token], hf.Select(p => p.Key));
        JsonArray boxes = hf[token]![boxesKey]!.AsArray();
        JsonArray labels = hf[token]![labelsKey]!.AsArray();
        Assert.Equal(expected.Select(e => e.Label), labels.Select(n => n!.GetValue<string>()));
        Assert.Equal(expected.Count, boxes.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            JsonArray box = boxes[i]!.AsArray();
            Assert.Equal(4, box.Count);
            for (int c = 0; c < 4; c++)
            {
                TaskAssert.Close(expected[i].Box[c], box[c]!.GetValue<double>());
            }
        }
    }
}
