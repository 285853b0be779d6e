using System.Text.Json.Nodes;
using Florence2.Tasks;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>The shape every 200 answer has, whatever the model said.</summary>
public static class ResponseAssert
{
    /// <summary>
    /// task = token, image = sent size, <c>result</c> keyed by the post-processing type, <c>hf</c> = one entry keyed by the
    /// token with the spec §10.8 shape and as many entries as <c>result</c>, raw starting with <c>&lt;/s&gt;</c>, timings and model.
    /// </summary>
    public static void WellFormed(JsonObject body, Florence2Task task, int width, int height)
    {
        Assert.Equal(task.Token, (string?)body["task"]);
        Assert.Equal(width, (int?)body["image"]?["width"]);
        Assert.Equal(height, (int?)body["image"]?["height"]);
        Assert.StartsWith("</s>", (string?)body["raw"]);

        var hf = body["hf"]!.AsObject();
        Assert.Equal([task.Token], hf.Select(p => p.Key));
        var value = hf[task.Token];
        var result = body["result"]!.AsObject();
        string[] resultKeys = result.Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
        switch (task.PostProcessing)
        {
            case PostProcessingType.PureText:
                Assert.Equal(["text"], resultKeys);
                Assert.Equal((string?)result["text"], (string?)value);
                break;
            case PostProcessingType.Ocr:
                Assert.Equal(["lines"], resultKeys);
                AssertKeys(value, "labels", "quad_boxes");
                Assert.Equal(Count(result["lines"]), Count(value!["quad_boxes"]));
                Assert.All(value!["quad_boxes"]!.AsArray(), quad => Assert.Equal(8, quad!.AsArray().Count));
                break;
            case PostProcessingType.DescriptionWithBboxes or PostProcessingType.Bboxes or PostProcessingType.PhraseGrounding:
                Assert.Equal(["detections"], resultKeys);
                AssertKeys(value, "bboxes", "labels");
                Assert.Equal(Count(result["detections"]), Count(value!["bboxes"]));
                Assert.All(value!["bboxes"]!.AsArray(), box => Assert.Equal(4, box!.AsArray().Count));
                break;
            case PostProcessingType.Polygons or PostProcessingType.DescriptionWithPolygons:
                Assert.Equal(["segments"], resultKeys);
                AssertKeys(value, "labels", "polygons");
                Assert.Equal(Count(result["segments"]), Count(value!["polygons"]));
                break;
            case PostProcessingType.DescriptionWithBboxesOrPolygons:
                Assert.Equal(["detections", "segments"], resultKeys);
                AssertKeys(value, "bboxes", "bboxes_labels", "polygons", "polygons_labels");
                Assert.Equal(Count(result["detections"]), Count(value!["bboxes"]));
                Assert.Equal(Count(result["segments"]), Count(value!["polygons"]));
                break;
            default:
                throw new Xunit.Sdk.XunitException($"No shape known for {task.PostProcessing}");
        }

        AssertScores(body);

        var timings = body["timings"]!.AsObject();
        foreach (string key in new[] { "queue_ms", "inference_ms", "total_ms" })
            Assert.True((double?)timings[key] >= 0, $"timings.{key} missing or negative: {timings}");
        Assert.True((int?)timings["batch_size"] >= 1);
        Assert.True((int?)timings["generated_tokens"] >= 1);
        Assert.False(string.IsNullOrEmpty((string?)body["model"]?["id"]));
        Assert.Equal("cpu", (string?)body["model"]?["provider"]);
        Assert.False(string.IsNullOrEmpty((string?)body["model"]?["dtype"]));
    }

    /// <summary>
    /// A sequence score (a log-probability) on every answer, and a score in [0, 1] on every detection, line and segment
    /// (spec §16); a label score, where present, is in [0, 1] too.
    /// </summary>
    private static void AssertScores(JsonObject body)
    {
        Assert.True((double?)body["sequence_score"] is <= 0, $"sequence_score missing or positive: {body["sequence_score"]}");
        var result = body["result"]!.AsObject();
        foreach (string list in new[] { "detections", "lines", "segments" })
        {
            if (result[list] is not JsonArray instances) continue;
            foreach (var instance in instances)
            {
                Assert.True((double?)instance!["score"] is >= 0 and <= 1, $"{list}: score missing or out of range in {instance.ToJsonString()}");
                if (instance["label_score"] is { } labelScore)
                    Assert.InRange((double)labelScore, 0, 1);
            }
        }
    }

    private static void AssertKeys(JsonNode? value, params string[] keys)
    {
        var obj = Assert.IsType<JsonObject>(value);
        Assert.Equal(keys, obj.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.All(keys, key => Assert.IsType<JsonArray>(obj[key]));
        var lengths = keys.Where(k => k.EndsWith("labels", StringComparison.Ordinal))
            .Select(k => (Labels: obj[k]!.AsArray().Count, Items: obj[k == "labels" ? keys.First(x => x != "labels") : k.Replace("_labels", "", StringComparison.Ordinal)]!.AsArray().Count));
        Assert.All(lengths, l => Assert.Equal(l.Items, l.Labels));
    }

    private static int Count(JsonNode? node) => node!.AsArray().Count;
}
