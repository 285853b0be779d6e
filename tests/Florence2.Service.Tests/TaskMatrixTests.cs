using Florence2.Service.Tests.Infrastructure;
using Florence2.Tasks;

namespace Florence2.Service.Tests;

/// <summary>Every task through every route that reaches it, as multipart and as JSON, on the tiny model.</summary>
public sealed class TaskMatrixTests(TinyService service) : IClassFixture<TinyService>
{
    public static TheoryData<string, Route, BodyFormat> Matrix()
    {
        var data = new TheoryData<string, Route, BodyFormat>();
        foreach (var task in TaskCatalog.All)
            foreach (var route in Enum.GetValues<Route>())
                foreach (var format in Enum.GetValues<BodyFormat>())
                    data.Add(task.Name, route, format);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Every_task_answers_through_every_route_and_format(string taskName, Route route, BodyFormat format)
    {
        var task = TaskCatalog.Find(taskName);
        int index = TaskCatalog.All.ToList().IndexOf(task);
        // Different sizes and beam counts across the matrix; region tasks need the default region inside the image.
        int width = 240 + 8 * index, height = 180 + 4 * (int)route;
        var call = TaskCall.For(task, TestImages.Png(width, height, seed: index)) with
        {
            NumBeams = 1 + (index + (int)format) % 2,
            MaxNewTokens = 6,
        };

        var body = await call.RunAsync(service.Client, route, format);

        ResponseAssert.WellFormed(body, task, width, height);
    }

    [Theory]
    [InlineData("region_to_segmentation")]            // takes a region
    [InlineData("referring_expression_segmentation")] // takes text
    [InlineData("od")]                                // takes only the image
    public async Task The_three_routes_and_both_formats_run_the_same_request(string taskName)
    {
        var call = TaskCall.For(TaskCatalog.Find(taskName), TestImages.Png(320, 240, seed: 42)) with { NumBeams = 2, MaxNewTokens = 10 };
        var answers = new List<string?>();
        foreach (var route in Enum.GetValues<Route>())
            foreach (var format in Enum.GetValues<BodyFormat>())
                answers.Add(await RawAsync(call, route, format));
        Assert.Single(answers.Distinct());

        // Controls: the same request with one input changed gets another answer, so every route and format delivers it.
        ControlAssert.Differs(answers[0], await RawAsync(call with { Images = [TestImages.Png(320, 240, seed: 43)] }), "another image");
        if (call.Text is not null)
            ControlAssert.Differs(answers[0], await RawAsync(call with { Text = "a red boat" }), "another text");
        if (call.Region is not null)
            ControlAssert.Differs(answers[0], await RawAsync(call with { Region = [60, 40, 250, 200] }), "another region");
    }

    [Fact]
    public async Task A_region_as_text_as_an_array_and_as_loc_tokens_is_the_same_region()
    {
        byte[] image = TestImages.Png(1000, 500, seed: 5);
        // On a 1000×500 image pixel x maps to bin x and pixel y to bin 2y (floor), so these three name the same bins.
        var regions = new object[] { "100,100,600,300", new[] { 100, 100, 600, 300 }, "<loc_100><loc_200><loc_600><loc_600>" };
        var raws = new List<string?>();
        foreach (object region in regions)
            raws.Add(await RegionToDescriptionAsync(image, region));
        Assert.Single(raws.Distinct());

        // Control: one pixel further right (bin 601, not 600) is another region, with another answer — in every notation,
        // so equal answers above mean the same bins reached the model, not that the region was lost on the way.
        var movedRegions = new object[] { "100,100,601,300", new[] { 100, 100, 601, 300 }, "<loc_100><loc_200><loc_601><loc_600>" };
        foreach (object moved in movedRegions)
            ControlAssert.Differs(raws[0], await RegionToDescriptionAsync(image, moved), $"the region one pixel wider ({Describe(moved)})");
    }

    private async Task<string?> RawAsync(TaskCall call, Route route = Route.Family, BodyFormat format = BodyFormat.Multipart) =>
        (string?)(await call.RunAsync(service.Client, route, format))["raw"];

    private async Task<string?> RegionToDescriptionAsync(byte[] image, object region)
    {
        using var response = await service.Client.PostAsync("/v1/caption", TaskRequests.Json([image], new Dictionary<string, object?>
        {
            ["task"] = "region_to_description", ["region"] = region, ["num_beams"] = 1, ["max_new_tokens"] = 12,
        }));
        var body = await response.ReadObjectAsync();
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return (string?)body["raw"];
    }

    private static string Describe(object region) => region is int[] array ? $"[{string.Join(", ", array)}]" : $"\"{region}\"";

    [Fact]
    public async Task The_family_endpoint_runs_its_default_task_when_none_is_named()
    {
        foreach (var (endpoint, task) in new[]
        {
            ("/v1/detect", TaskCatalog.ObjectDetection), ("/v1/caption", TaskCatalog.Caption), ("/v1/ocr", TaskCatalog.Ocr),
        })
        {
            using var response = await service.Client.PostAsync(endpoint, TaskRequests.Multipart(TestImages.Png(64, 48),
                new Dictionary<string, string> { ["num_beams"] = "1", ["max_new_tokens"] = "4" }));
            var body = await response.ReadObjectAsync();
            Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
            ResponseAssert.WellFormed(body, task, 64, 48);
        }
        // Segmentation's default task needs text.
        using var segment = await service.Client.PostAsync("/v1/segment", TaskRequests.Multipart(TestImages.Png(64, 48),
            new Dictionary<string, string> { ["text"] = "a car", ["num_beams"] = "1", ["max_new_tokens"] = "4" }));
        ResponseAssert.WellFormed(await segment.ReadObjectAsync(), TaskCatalog.ReferringExpressionSegmentation, 64, 48);
    }

    [Fact]
    public async Task The_task_list_describes_all_fifteen_tasks()
    {
        using var response = await service.Client.GetAsync("/v1/tasks");
        var tasks = (await response.ReadObjectAsync())["tasks"]!.AsArray();
        Assert.Equal(TaskCatalog.All.Select(t => t.Token), tasks.Select(t => (string?)t!["token"]));
        foreach (var (task, entry) in TaskCatalog.All.Zip(tasks))
        {
            Assert.Equal(task.Name, (string?)entry!["name"]);
            Assert.Equal("/v1/" + task.Family.ToString().ToLowerInvariant(), (string?)entry["endpoint"]);
            Assert.Equal(task.InputKind.ToString().ToLowerInvariant(), (string?)entry["input"]);
            string[] masks = task.PostProcessing is PostProcessingType.Polygons or PostProcessingType.DescriptionWithPolygons
                or PostProcessingType.DescriptionWithBboxesOrPolygons ? ["polygon", "rle", "png"] : [];
            Assert.Equal(masks, entry["mask_formats"]!.AsArray().Select(f => (string?)f));
        }
        Assert.Equal(["referring_expression_segmentation", "region_to_segmentation", "open_vocabulary_detection"],
            tasks.Where(t => t!["mask_formats"]!.AsArray().Count > 0).Select(t => (string?)t!["name"]));
    }
}
