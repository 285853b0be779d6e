using System.Text.Encodings.Web;
using System.Text.Json;
using Florence2.Tasks;
using static Florence2.Tests.Tasks.TaskAssert;

namespace Florence2.Tests.Tasks;

/// <summary>Keys and nesting of the Python reference dictionary (spec §10.8) and the typed result's JSON shape.</summary>
public sealed class HfDictionaryTests
{
    private static string Hf(Florence2Task task, string text) =>
        Json(Florence2PostProcessor.Parse(task, text, 1000, 1000).ToHfDictionary());

    [Fact]
    public void Boxes_are_bboxes_plus_labels()
    {
        Assert.Equal(
            """{"<OD>":{"bboxes":[[1.5,2.5,3.5,4.5]],"labels":["car"]}}""",
            Hf(TaskCatalog.ObjectDetection, "car" + Box1To4));
        Assert.Equal(
            """{"<REGION_PROPOSAL>":{"bboxes":[[1.5,2.5,3.5,4.5]],"labels":[""]}}""",
            Hf(TaskCatalog.RegionProposal, Box1To4));
        Assert.Equal(
            """{"<CAPTION_TO_PHRASE_GROUNDING>":{"bboxes":[],"labels":[]}}""",
            Hf(TaskCatalog.PhraseGrounding, "it" + Box1To4));
    }

    [Fact]
    public void Ocr_is_flat_eight_number_quads_plus_labels()
    {
        Assert.Equal(
            """{"<OCR_WITH_REGION>":{"quad_boxes":[[1.5,2.5,3.5,4.5,5.5,6.5,7.5,8.5]],"labels":["CUDA"]}}""",
            Hf(TaskCatalog.OcrWithRegion, "</s><s>CUDA" + Quad1To8 + "</s>"));
    }

    [Fact]
    public void Polygons_have_three_levels_instance_polygon_coordinates()
    {
        Assert.Equal(
            """{"<REGION_TO_SEGMENTATION>":{"polygons":[[[1.5,2.5,3.5,4.5],[5.5,6.5]],[[7.5,8.5,9.5,10.5]]],"labels":["",""]}}""",
            Hf(TaskCatalog.RegionToSegmentation,
                "<poly><loc_1><loc_2><loc_3><loc_4><sep><loc_5><loc_6></poly><poly><loc_7><loc_8><loc_9><loc_10></poly>"));
    }

    [Fact]
    public void Pure_text_is_a_plain_string_value()
    {
        Assert.Equal("""{"<REGION_TO_OCR>":"ab<pad>"}""", Hf(TaskCatalog.RegionToOcr, "</s><s>ab<pad></s>"));
    }

    [Fact]
    public void Python_reference_option_reproduces_the_first_label_quirk_in_the_dictionary()
    {
        var parsed = Florence2PostProcessor.Parse(
            TaskCatalog.OcrWithRegion, "</s><s>CUDA" + Quad1To8, 1000, 1000, PostProcessingOptions.PythonReference);
        Assert.Equal(
            """{"<OCR_WITH_REGION>":{"quad_boxes":[[1.5,2.5,3.5,4.5,5.5,6.5,7.5,8.5]],"labels":["</s>CUDA"]}}""",
            Json(parsed.ToHfDictionary()));
    }

    [Fact]
    public void Float32_values_are_written_as_python_prints_them()
    {
        var parsed = Florence2PostProcessor.Parse(TaskCatalog.ObjectDetection, "car<loc_53><loc_333><loc_933><loc_774>", 640, 480);
        Assert.Equal(
            """{"<OD>":{"bboxes":[[34.23999786376953,160.0800018310547,597.4400024414062,371.7599792480469]],"labels":["car"]}}""",
            Json(parsed.ToHfDictionary()));
    }

    [Fact]
    public void Typed_result_serializes_with_only_the_members_that_apply()
    {
        var options = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        Assert.Equal("""{"text":"hi"}""", JsonSerializer.Serialize(Parse(TaskCatalog.Caption, "</s><s>hi</s>"), options));
        Assert.Equal(
            """{"detections":[{"label":"car","box":{"x1":1.5,"y1":2.5,"x2":3.5,"y2":4.5}}]}""",
            JsonSerializer.Serialize(Parse(TaskCatalog.ObjectDetection, "car" + Box1To4), options));
        Assert.Equal(
            """{"lines":[{"text":"A","quad":[{"x":1.5,"y":2.5},{"x":3.5,"y":4.5},{"x":5.5,"y":6.5},{"x":7.5,"y":8.5}]}]}""",
            JsonSerializer.Serialize(Parse(TaskCatalog.OcrWithRegion, "A" + Quad1To8), options));
        Assert.Equal(
            """{"segments":[{"label":"","polygons":[[{"x":1.5,"y":2.5},{"x":3.5,"y":4.5}]]}]}""",
            JsonSerializer.Serialize(Parse(TaskCatalog.ReferringExpressionSegmentation, Box1To4), options));
        Assert.Equal(
            """{"detections":[{"label":"a","box":{"x1":1.5,"y1":2.5,"x2":3.5,"y2":4.5}}],"segments":[]}""",
            JsonSerializer.Serialize(Parse(TaskCatalog.OpenVocabularyDetection, "a" + Box1To4), options));
    }

    [Fact]
    public void Parse_refuses_non_positive_image_sizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Florence2PostProcessor.Parse(TaskCatalog.Caption, "x", 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Florence2PostProcessor.Parse(TaskCatalog.Caption, "x", 10, -1));
    }
}
