using System.Text.Json.Nodes;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Tasks;

namespace Florence2.Service.Tests;

/// <summary>
/// The scripted decoder writes a known token sequence, so the pixel geometry in the answer is known exactly: every
/// coordinate is the bin centre (q + 0.5) · size / 1000 of the image as sent (spec §10.1, golden values of §11).
/// </summary>
public sealed class ScriptedGeometryTests(ScriptedServices services) : IClassFixture<ScriptedServices>
{
    private const double Tolerance = 1e-3;

    private const string OdScript =
        "<s>car<loc_53><loc_333><loc_933><loc_774>door<loc_712><loc_203><loc_906><loc_545>" +
        "wheel<loc_704><loc_576><loc_866><loc_772><loc_149><loc_584><loc_310><loc_773>";

    private const string DenseScript =
        "<s>turquoise Volkswagen Beetle<loc_52><loc_333><loc_932><loc_774>" +
        "wheel<loc_704><loc_576><loc_864><loc_772><loc_148><loc_584><loc_308><loc_773>";

    private const string ProposalScript =
        "<s><loc_52><loc_333><loc_932><loc_774><loc_711><loc_203><loc_905><loc_545><loc_704><loc_576><loc_864><loc_772>" +
        "<loc_148><loc_584><loc_309><loc_773><loc_354><loc_184><loc_519><loc_342><loc_102><loc_555><loc_135><loc_616>" +
        "<loc_424><loc_503><loc_472><loc_514><loc_637><loc_642><loc_646><loc_668>";

    private const string GroundingScript = "<s>A green car<loc_54><loc_330><loc_911><loc_780>a yellow building<loc_0><loc_8><loc_998><loc_635>";

    private const string OcrScript =
        "<s>CUDA<loc_414><loc_100><loc_932><loc_100><loc_932><loc_229><loc_414><loc_229>" +
        "FOR ENGINEERS<loc_359><loc_241><loc_987><loc_241><loc_987><loc_318><loc_359><loc_318>";

    private const string PolyScript =
        "<s><poly><loc_100><loc_200><loc_300><loc_210><loc_310><loc_400><sep><loc_500><loc_510><loc_600><loc_520><loc_610><loc_620></poly>";

    private const string LocRunScript = "<s><loc_279><loc_379><loc_282><loc_380><loc_290><loc_400><loc_270><loc_401>";

    private const string CaptionText = "A green car parked in front of a yellow building.";

    public static TheoryData<string, string, double[][], string[]> Boxes() => new()
    {
        { "od", OdScript, [[34.24, 160.08, 597.44, 371.76], [456.0, 97.68, 580.16, 261.84], [450.88, 276.72, 554.56, 370.8], [95.68, 280.56, 198.72, 371.28]],
            ["car", "door", "wheel", "wheel"] },
        { "dense_region_caption", DenseScript, [[33.6, 160.08, 596.8, 371.76], [450.88, 276.72, 553.28, 370.8], [95.04, 280.56, 197.44, 371.28]],
            ["turquoise Volkswagen Beetle", "wheel", "wheel"] },
        { "region_proposal", ProposalScript, [[33.6, 160.08, 596.8, 371.76], [455.36, 97.68, 579.52, 261.84], [450.88, 276.72, 553.28, 370.8],
            [95.04, 280.56, 198.08, 371.28], [226.88, 88.56, 332.48, 164.4], [65.6, 266.64, 86.72, 295.92], [271.68, 241.68, 302.4, 246.96],
            [408.0, 308.4, 413.76, 320.88]], ["", "", "", "", "", "", "", ""] },
        { "phrase_grounding", GroundingScript, [[34.88, 158.64, 583.36, 374.64], [0.32, 4.08, 639.04, 305.04]], ["A green car", "a yellow building"] },
    };

    [Theory]
    [MemberData(nameof(Boxes))]
    public async Task Known_tokens_become_known_pixel_boxes(string task, string script, double[][] boxes, string[] labels)
    {
        var body = await RunAsync(script, task, 640, 480);

        var detections = body["result"]!["detections"]!.AsArray();
        Assert.Equal(labels, detections.Select(d => (string?)d!["label"]));
        Assert.Equal(boxes.Length, detections.Count);
        for (int i = 0; i < boxes.Length; i++)
            AssertNumbers(boxes[i], BoxOf(detections[i]!["box"]!));
        var hf = body["hf"]![TaskCatalog.Find(task).Token]!;
        Assert.Equal(labels, hf["labels"]!.AsArray().Select(l => (string?)l));
        for (int i = 0; i < boxes.Length; i++)
            AssertNumbers(boxes[i], Numbers(hf["bboxes"]![i]!));
    }

    [Fact]
    public async Task Ocr_with_region_gives_quads_at_bin_centres()
    {
        var body = await RunAsync(OcrScript, "ocr_with_region", 640, 480);

        double[][] quads =
        [
            [414.5 * 0.64, 100.5 * 0.48, 932.5 * 0.64, 100.5 * 0.48, 932.5 * 0.64, 229.5 * 0.48, 414.5 * 0.64, 229.5 * 0.48],
            [359.5 * 0.64, 241.5 * 0.48, 987.5 * 0.64, 241.5 * 0.48, 987.5 * 0.64, 318.5 * 0.48, 359.5 * 0.64, 318.5 * 0.48],
        ];
        var lines = body["result"]!["lines"]!.AsArray();
        // transformers.js behaviour by default (Florence2:Service:KeepEosInFirstOcrLabel=false): no "</s>" in the first label.
        Assert.Equal(["CUDA", "FOR ENGINEERS"], lines.Select(l => (string?)l!["text"]));
        for (int i = 0; i < quads.Length; i++)
        {
            AssertNumbers(quads[i], lines[i]!["quad"]!.AsArray().SelectMany(p => new[] { (double)p!["x"]!, (double)p["y"]! }).ToArray());
            AssertNumbers(quads[i], Numbers(body["hf"]!["<OCR_WITH_REGION>"]!["quad_boxes"]![i]!));
        }
        Assert.Equal(["CUDA", "FOR ENGINEERS"], body["hf"]!["<OCR_WITH_REGION>"]!["labels"]!.AsArray().Select(l => (string?)l));
    }

    [Fact]
    public async Task Poly_and_sep_tokens_give_one_segment_with_two_polygons()
    {
        var body = await RunAsync(PolyScript, "referring_expression_segmentation", 640, 480);

        double[][] polygons =
        [
            [100.5 * 0.64, 200.5 * 0.48, 300.5 * 0.64, 210.5 * 0.48, 310.5 * 0.64, 400.5 * 0.48],
            [500.5 * 0.64, 510.5 * 0.48, 600.5 * 0.64, 520.5 * 0.48, 610.5 * 0.64, 620.5 * 0.48],
        ];
        var segment = Assert.Single(body["result"]!["segments"]!.AsArray())!;
        Assert.Equal("", (string?)segment["label"]);
        AssertPolygons(polygons, segment["polygons"]!.AsArray().Select(PointsOf).ToArray());
        var hf = body["hf"]!["<REFERRING_EXPRESSION_SEGMENTATION>"]!;
        AssertPolygons(polygons, Assert.Single(hf["polygons"]!.AsArray())!.AsArray().Select(p => Numbers(p!)).ToArray());
        Assert.Equal([""], hf["labels"]!.AsArray().Select(l => (string?)l));
    }

    [Fact]
    public async Task A_plain_run_of_loc_tokens_is_one_polygon()
    {
        var body = await RunAsync(LocRunScript, "referring_expression_segmentation", 640, 480);

        double[] polygon = [279.5 * 0.64, 379.5 * 0.48, 282.5 * 0.64, 380.5 * 0.48, 290.5 * 0.64, 400.5 * 0.48, 270.5 * 0.64, 401.5 * 0.48];
        var segment = Assert.Single(body["result"]!["segments"]!.AsArray())!;
        AssertNumbers(polygon, PointsOf(Assert.Single(segment["polygons"]!.AsArray())));
        AssertNumbers(polygon, Numbers(body["hf"]!["<REFERRING_EXPRESSION_SEGMENTATION>"]!["polygons"]![0]![0]!));
        Assert.Equal(178.88, polygon[0], Tolerance);
    }

    [Fact]
    public async Task Pure_text_is_the_script_text()
    {
        var body = await RunAsync("<s>" + CaptionText, "caption", 640, 480);

        Assert.Equal(CaptionText, (string?)body["result"]!["text"]);
        Assert.Equal(CaptionText, (string?)body["hf"]!["<CAPTION>"]);
        Assert.Equal("</s><s>" + CaptionText + "</s>", (string?)body["raw"]);
    }

    [Fact]
    public async Task Several_images_come_back_in_order_each_in_its_own_pixels()
    {
        var client = await services.ClientAsync(OdScript);
        (int W, int H)[] sizes = [(640, 480), (320, 240), (1000, 800), (77, 333)];

        foreach (var format in Enum.GetValues<BodyFormat>())
        {
            var call = new TaskCall(TaskCatalog.ObjectDetection, sizes.Select((s, i) => TestImages.Png(s.W, s.H, seed: i)).ToArray())
            {
                MaxNewTokens = 64,
            };
            var results = (await call.RunAsync(client, Route.TaskName, format))["results"]!.AsArray();

            Assert.Equal(sizes.Length, results.Count);
            for (int i = 0; i < sizes.Length; i++)
            {
                var (w, h) = sizes[i];
                ResponseAssert.WellFormed(results[i]!.AsObject(), TaskCatalog.ObjectDetection, w, h);
                var car = results[i]!["result"]!["detections"]![0]!;
                Assert.Equal("car", (string?)car["label"]);
                AssertNumbers([53.5 * w / 1000, 333.5 * h / 1000, 933.5 * w / 1000, 774.5 * h / 1000], BoxOf(car["box"]!));
            }
        }
    }

    private async Task<JsonObject> RunAsync(string script, string task, int width, int height)
    {
        var client = await services.ClientAsync(script);
        var body = await (TaskCall.For(task, TestImages.Png(width, height)) with { MaxNewTokens = 96 }).RunAsync(client);
        ResponseAssert.WellFormed(body, TaskCatalog.Find(task), width, height);
        Assert.Equal("</s>" + script + "</s>", (string?)body["raw"]);
        return body;
    }

    private static double[] BoxOf(JsonNode box) => [(double)box["x1"]!, (double)box["y1"]!, (double)box["x2"]!, (double)box["y2"]!];

    private static double[] PointsOf(JsonNode? polygon) =>
        polygon!.AsArray().SelectMany(p => new[] { (double)p!["x"]!, (double)p["y"]! }).ToArray();

    private static double[] Numbers(JsonNode node) => node.AsArray().Select(n => (double)n!).ToArray();

    private static void AssertNumbers(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], Tolerance);
    }

    private static void AssertPolygons(double[][] expected, double[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) AssertNumbers(expected[i], actual[i]);
    }
}
