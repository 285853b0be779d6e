using System.Net;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Tests;
using Florence2.Tokenization;

namespace Florence2.Service.Tests;

public sealed class DetectEndpointTests
{
    private const string OdScript = "<s>car<loc_53><loc_333><loc_933><loc_774>door<loc_712><loc_203><loc_906><loc_545>";

    [Fact]
    public async Task Scripted_od_output_becomes_pixel_boxes_and_the_hf_dictionary()
    {
        var tokenizer = Florence2Tokenizer.Load(TestAssets.Directory);
        await using var factory = new ServiceFactory(TestModels.Scripted(tokenizer.EncodeRaw(OdScript)));
        using var client = await factory.CreateReadyClientAsync();

        using var response = await client.PostAsync("/v1/detect", TaskRequests.Multipart(TestImages.Png(640, 480), new Dictionary<string, string> { ["task"] = "od" }));
        var body = await response.ReadObjectAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("<OD>", (string?)body["task"]);
        Assert.Equal(640, (int?)body["image"]!["width"]);
        Assert.Equal("</s>" + OdScript + "</s>", (string?)body["raw"]);
        var detections = body["result"]!["detections"]!.AsArray();
        Assert.Equal(2, detections.Count);
        Assert.Equal("car", (string?)detections[0]!["label"]);
        Assert.Equal(34.24, (double)detections[0]!["box"]!["x1"]!, 3);
        Assert.Equal(160.08, (double)detections[0]!["box"]!["y1"]!, 3);
        Assert.Equal(597.44, (double)detections[0]!["box"]!["x2"]!, 3);
        Assert.Equal(371.76, (double)detections[0]!["box"]!["y2"]!, 3);
        Assert.Equal("door", (string?)detections[1]!["label"]);
        Assert.Equal(456.0, (double)detections[1]!["box"]!["x1"]!, 3);
        var hf = body["hf"]!["<OD>"]!;
        Assert.Equal(2, hf["bboxes"]!.AsArray().Count);
        Assert.Equal(580.16, (double)hf["bboxes"]![1]![2]!, 3);
        Assert.Equal("door", (string?)hf["labels"]![1]);
        Assert.Equal("cpu", (string?)body["model"]!["provider"]);
        Assert.True((double)body["timings"]!["total_ms"]! > 0);
    }

    [Fact]
    public async Task Json_and_multipart_give_the_same_answer()
    {
        await using var factory = ServiceFactory.Tiny();
        using var client = await factory.CreateReadyClientAsync();
        byte[] image = TestImages.Png(320, 240, seed: 3);

        using var multipart = await client.PostAsync("/v1/detect", TaskRequests.Multipart(image,
            new Dictionary<string, string> { ["task"] = "<OD>", ["num_beams"] = "2", ["max_new_tokens"] = "12" }));
        using var json = await client.PostAsync("/v1/detect", TaskRequests.Json([image],
            new Dictionary<string, object?> { ["task"] = "od", ["num_beams"] = 2, ["max_new_tokens"] = 12 }));

        Assert.Equal(HttpStatusCode.OK, multipart.StatusCode);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var a = await multipart.ReadObjectAsync();
        var b = await json.ReadObjectAsync();
        Assert.Equal((string?)a["raw"], (string?)b["raw"]);
        Assert.Equal(a["hf"]!.ToJsonString(), b["hf"]!.ToJsonString());

        // Control: another image gets another answer (both formats), so the equality above shows each format delivers
        // the image it was sent, not that the model ignores it.
        byte[] otherImage = TestImages.Png(320, 240, seed: 4);
        using var otherMultipart = await client.PostAsync("/v1/detect", TaskRequests.Multipart(otherImage,
            new Dictionary<string, string> { ["task"] = "<OD>", ["num_beams"] = "2", ["max_new_tokens"] = "12" }));
        using var otherJson = await client.PostAsync("/v1/detect", TaskRequests.Json([otherImage],
            new Dictionary<string, object?> { ["task"] = "od", ["num_beams"] = 2, ["max_new_tokens"] = 12 }));
        Assert.Equal(HttpStatusCode.OK, otherMultipart.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherJson.StatusCode);
        ControlAssert.Differs((string?)a["raw"], (string?)(await otherMultipart.ReadObjectAsync())["raw"], "another image as multipart");
        ControlAssert.Differs((string?)b["raw"], (string?)(await otherJson.ReadObjectAsync())["raw"], "another image as JSON");
    }
}
