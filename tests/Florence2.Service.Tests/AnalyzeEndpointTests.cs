using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Tasks;
using Florence2.Tests;

namespace Florence2.Service.Tests;

/// <summary>POST /v1/analyze: every task on every image, answers in order, one vision pass per image.</summary>
public sealed class AnalyzeEndpointTests
{
    internal static readonly object[] ThreeTasks = ["od", "caption", new Dictionary<string, object> { ["task"] = "phrase_grounding", ["text"] = "a green car" }];
    internal static readonly Florence2Task[] ThreeTaskKinds = [TaskCatalog.ObjectDetection, TaskCatalog.Caption, TaskCatalog.PhraseGrounding];

    /// <summary>The cache off, so a skipped pass can only come from the tasks sharing their image's batch.</summary>
    internal static ServiceFactory Service(params (string Key, object Value)[] more) => ServiceFactory.Tiny(Settings.Of(
        [("Florence2:Cache:VisionFeaturesMb", 0), ("Florence2:Batching:MaxQueueDelayMs", 200), ("Florence2:Batching:MaxBatchSize", 8), .. more]));

    [Fact]
    public async Task Multipart_takes_one_tasks_field_per_task_with_objects_as_json_and_answers_as_json_does()
    {
        await using var factory = Service();
        using var client = await factory.CreateReadyClientAsync();
        byte[] image = TestImages.Png(256, 192, seed: 8);

        using var form = TaskRequests.Multipart(image, new Dictionary<string, string> { ["num_beams"] = "1", ["max_new_tokens"] = "6" });
        form.Add(new StringContent("od, caption"), "tasks"); // names may share a field
        form.Add(new StringContent("""{"task": "phrase_grounding", "text": "a green car", "max_new_tokens": 4}"""), "tasks");
        using var multipart = await client.PostAsync("/v1/analyze", form);
        var tasks = new object[] { "od", "caption", new Dictionary<string, object> { ["task"] = "phrase_grounding", ["text"] = "a green car", ["max_new_tokens"] = 4 } };
        using var json = await client.PostAsync("/v1/analyze", TaskRequests.Json([image],
            new Dictionary<string, object?> { ["tasks"] = tasks, ["num_beams"] = 1, ["max_new_tokens"] = 6 }));

        Assert.Equal(HttpStatusCode.OK, multipart.StatusCode);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var a = (await multipart.ReadObjectAsync())["images"]![0]!["results"]!.AsArray();
        var b = (await json.ReadObjectAsync())["images"]![0]!["results"]!.AsArray();
        Assert.Equal(a.Select(r => (string?)r!["raw"]), b.Select(r => (string?)r!["raw"]));
        // The item's own budget wins over the call's (the tiny model's random weights rarely stop early).
        var generated = a.Select(r => (int)r!["timings"]!["generated_tokens"]!).ToArray();
        Assert.All(generated, count => Assert.InRange(count, 1, 6));
        Assert.InRange(generated[2], 1, 4);
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { """{"image": "$IMAGE", "tasks": ["od", "no_such_task"]}""", "tasks[1].task" },
        { """{"image": "$IMAGE", "tasks": []}""", "tasks" },
        { """{"image": "$IMAGE"}""", "tasks" },
        { """{"image": "$IMAGE", "tasks": "od"}""", "tasks" },
        { """{"image": "$IMAGE", "tasks": ["od", "od", "od"]}""", "tasks" },
        { """{"image": "$IMAGE", "tasks": [{"text": "a car"}]}""", "tasks[0].task" },
        { """{"image": "$IMAGE", "tasks": [{"task": "od", "txt": "a car"}]}""", "tasks[0].txt" },
        { """{"image": "$IMAGE", "tasks": [{"task": "caption", "num_beams": 99}]}""", "tasks[0].num_beams" },
        { """{"image": "$IMAGE", "tasks": [{"task": "od", "mask_format": "rle"}]}""", "tasks[0].mask_format" },
        { """{"image": "$IMAGE", "tasks": [{"task": "region_to_category", "region": "1,2,3"}]}""", "tasks[0].region" },
        { """{"image": "$IMAGE", "tasks": [7]}""", "tasks[0]" },
        { """{"image": "$IMAGE", "task": "od", "tasks": ["caption"]}""", "task" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Bad_tasks_are_refused_with_a_400_naming_the_item_and_field(string body, string field)
    {
        await using var factory = Service(("Florence2:Limits:MaxTasksPerRequest", 2));
        using var client = await factory.CreateReadyClientAsync();
        string json = body.Replace("$IMAGE", Convert.ToBase64String(TestImages.Png(64, 48)), StringComparison.Ordinal);

        using var response = await client.PostAsync("/v1/analyze", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("image/png", 406)]
    [InlineData("image/*, application/json;q=0.5", 406)]
    [InlineData("application/json, image/png;q=0.5", 200)]
    [InlineData("text/html", 200)]
    public async Task An_accept_that_prefers_an_image_is_refused_with_a_406_pointing_to_the_task_endpoints(string accept, int status)
    {
        await using var factory = Service();
        using var client = await factory.CreateReadyClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/analyze")
        {
            Content = TaskRequests.Json([TestImages.Png(64, 48)],
                new Dictionary<string, object?> { ["tasks"] = new[] { "od" }, ["num_beams"] = 1, ["max_new_tokens"] = 2 }),
        };
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await client.SendAsync(request);

        if (status == 200)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            return;
        }
        var problem = await response.AssertProblemAsync(HttpStatusCode.NotAcceptable, "Accept");
        Assert.Contains("/v1/detect", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Single_task_endpoints_point_tasks_to_analyze()
    {
        await using var factory = Service();
        using var client = await factory.CreateReadyClientAsync();
        using var response = await client.PostAsync("/v1/detect", TaskRequests.Json([TestImages.Png(64, 48)],
            new Dictionary<string, object?> { ["tasks"] = new[] { "od" } }));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "tasks");
        Assert.Contains("/v1/analyze", (string?)problem["detail"], StringComparison.Ordinal);
    }
}

/// <summary>The analyze tests that read /metrics, alone (see <see cref="SerialCollection"/>).</summary>
[Collection(SerialCollection.Name)]
public sealed class AnalyzeVisionPassTests
{
    private static readonly object[] ThreeTasks = AnalyzeEndpointTests.ThreeTasks;
    private static readonly Florence2Task[] ThreeTaskKinds = AnalyzeEndpointTests.ThreeTaskKinds;

    private static ServiceFactory Service() => AnalyzeEndpointTests.Service();

    [Fact]
    public async Task Every_task_answers_every_image_in_order_as_a_single_task_call_would_with_one_vision_pass_per_image()
    {
        await using var factory = Service();
        using var client = await factory.CreateReadyClientAsync();
        byte[][] images = [TestImages.Png(320, 240, seed: 5), TestImages.Png(200, 300, seed: 6)];

        using var response = await client.PostAsync("/v1/analyze", TaskRequests.Json(images,
            new Dictionary<string, object?> { ["tasks"] = ThreeTasks, ["num_beams"] = 1, ["max_new_tokens"] = 8 }));
        var body = await response.ReadObjectAsync();
        var encoded = (await Prometheus.ScrapeAsync(client)).Value("florence2_vision_encoded_images_total");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var analyses = body["images"]!.AsArray();
        Assert.Equal(2, analyses.Count);
        Assert.Equal(2, encoded);
        for (int i = 0; i < images.Length; i++)
        {
            var (width, height) = i == 0 ? (320, 240) : (200, 300);
            Assert.Equal(1, (int)analyses[i]!["vision_passes"]!);
            Assert.Equal(width, (int)analyses[i]!["image"]!["width"]!);
            var results = analyses[i]!["results"]!.AsArray();
            Assert.Equal(ThreeTaskKinds.Select(t => t.Token), results.Select(r => (string?)r!["task"]));
            for (int t = 0; t < ThreeTaskKinds.Length; t++)
                ResponseAssert.WellFormed(results[t]!.AsObject(), ThreeTaskKinds[t], width, height);
            Assert.Equal(6, (int)results[0]!["timings"]!["batch_size"]!); // both images' three tasks in one batch
        }

        // The same image and task alone: the same output.
        using var alone = await client.PostAsync("/v1/tasks/phrase_grounding", TaskRequests.Json([images[1]],
            new Dictionary<string, object?> { ["text"] = "a green car", ["num_beams"] = 1, ["max_new_tokens"] = 8 }));
        Assert.Equal(HttpStatusCode.OK, alone.StatusCode);
        Assert.Equal((string?)(await alone.ReadObjectAsync())["raw"], (string?)analyses[1]!["results"]![2]!["raw"]);
    }

    [Fact]
    public async Task The_cache_answers_a_repeated_image_without_a_vision_pass_and_with_the_same_output()
    {
        await using var factory = ServiceFactory.Tiny(Settings.Of(("Florence2:Cache:VisionFeaturesMb", 16)));
        using var client = await factory.CreateReadyClientAsync();
        byte[] image = TestImages.Png(300, 200, seed: 9);
        JsonObject Request() => new() { ["image"] = Convert.ToBase64String(image), ["tasks"] = new JsonArray("caption", "ocr"), ["num_beams"] = 1, ["max_new_tokens"] = 8 };

        using var first = await client.PostAsJsonAsync("/v1/analyze", Request());
        using var second = await client.PostAsJsonAsync("/v1/analyze", Request());
        var metrics = await Prometheus.ScrapeAsync(client);

        var one = (await first.ReadObjectAsync())["images"]![0]!;
        var two = (await second.ReadObjectAsync())["images"]![0]!;
        Assert.Equal(1, (int)one["vision_passes"]!);
        Assert.Equal(0, (int)two["vision_passes"]!);
        Assert.Equal(one["results"]!.AsArray().Select(r => (string?)r!["raw"]), two["results"]!.AsArray().Select(r => (string?)r!["raw"]));
        Assert.Equal(1, metrics.Value("florence2_vision_cache_hits_total"));
        Assert.Equal(1, metrics.Value("florence2_vision_encoded_images_total"));
        Assert.Equal(1, metrics.Value("florence2_vision_cache_misses_total"));
        Assert.True(metrics.Value("florence2_vision_cache_bytes") > 0, metrics.Text);
    }
}
