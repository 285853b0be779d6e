using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Florence2.Service.Runtime;
using Florence2.Service.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Florence2.Service.Tests;

/// <summary>Every refusal is RFC 9457 problem details with status, title, detail, traceId and the field at fault.</summary>
public sealed class ProblemDetailsTests(TinyService service) : IClassFixture<TinyService>
{
    private static readonly byte[] Image = TestImages.Png(64, 48);

    public static TheoryData<string, string, Dictionary<string, string>, string> Invalid() => new()
    {
        { "missing image", "/v1/detect", new() { ["task"] = "od" }, "image" },
        { "missing text", "/v1/detect", new() { ["task"] = "phrase_grounding" }, "text" },
        { "blank text", "/v1/segment", new() { ["text"] = "   " }, "text" },
        { "region for a no-region task", "/v1/detect", new() { ["task"] = "od", ["region"] = "1,2,30,40" }, "region" },
        { "missing region", "/v1/caption", new() { ["task"] = "region_to_category" }, "region" },
        { "region with three numbers", "/v1/caption", new() { ["task"] = "region_to_category", ["region"] = "1,2,3" }, "region" },
        { "region outside the image", "/v1/caption", new() { ["task"] = "region_to_category", ["region"] = "0,0,640,40" }, "region" },
        { "inverted region", "/v1/caption", new() { ["task"] = "region_to_category", ["region"] = "30,30,10,10" }, "region" },
        { "text for a region task", "/v1/caption", new() { ["task"] = "region_to_category", ["region"] = "1,2,30,40", ["text"] = "car" }, "text" },
        { "num_beams 0", "/v1/detect", new() { ["num_beams"] = "0" }, "num_beams" },
        { "num_beams 99", "/v1/detect", new() { ["num_beams"] = "99" }, "num_beams" },
        { "num_beams not a number", "/v1/detect", new() { ["num_beams"] = "three" }, "num_beams" },
        { "max_new_tokens 0", "/v1/detect", new() { ["max_new_tokens"] = "0" }, "max_new_tokens" },
        { "max_new_tokens 5000", "/v1/detect", new() { ["max_new_tokens"] = "5000" }, "max_new_tokens" },
        { "unknown task in the body", "/v1/detect", new() { ["task"] = "teleport" }, "task" },
        { "body task contradicts the path", "/v1/tasks/od", new() { ["task"] = "caption" }, "task" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Invalid_fields_are_400_naming_the_field(string because, string url, Dictionary<string, string> fields, string field)
    {
        var images = because == "missing image" ? Array.Empty<byte[]>() : [Image];
        // A small budget, so that a case the service wrongly accepted fails fast.
        var withBudget = new Dictionary<string, string>(fields);
        withBudget.TryAdd("max_new_tokens", "2");
        using var response = await service.Client.PostAsync(url, TaskRequests.Multipart(images, withBudget));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", (string?)problem["type"]);
    }

    [Theory]
    [InlineData("od", "/v1/caption", "/v1/detect")]
    [InlineData("ocr_with_region", "/v1/detect", "/v1/ocr")]
    [InlineData("<REGION_TO_SEGMENTATION>", "/v1/ocr", "/v1/segment")]
    public async Task A_task_sent_to_another_family_is_400_naming_its_endpoint(string task, string url, string endpoint)
    {
        using var response = await service.Client.PostAsync(url, TaskRequests.Multipart(Image, new Dictionary<string, string> { ["task"] = task }));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "task");
        Assert.Contains(endpoint, (string?)problem["detail"], StringComparison.Ordinal);
    }

    /// <summary>Invalid JSON names no field (JsonInputErrorTests has every message); base64 that is not names its field.</summary>
    [Fact]
    public async Task Malformed_json_is_400_saying_where_and_naming_no_field()
    {
        using var response = await service.Client.PostAsync("/v1/detect", new StringContent("not json at all", Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Null(problem["field"]);
        Assert.Equal("The body is not valid JSON: unexpected 'not' (line 1, byte 1).", (string?)problem["detail"]);
        using var notBase64 = await service.Client.PostAsync("/v1/detect", new StringContent("{\"image\": \"%%%\"}", Encoding.UTF8, "application/json"));
        await notBase64.AssertProblemAsync(HttpStatusCode.BadRequest, "image");
    }

    [Fact]
    public async Task An_unknown_task_in_the_path_is_404()
    {
        using var response = await service.Client.PostAsync("/v1/tasks/nope", TaskRequests.Multipart(Image));
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "task");
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_get_problem_details_too()
    {
        using var route = await service.Client.GetAsync("/v1/nothing-here");
        Assert.Contains("/v1/nothing-here", (string?)(await route.AssertProblemAsync(HttpStatusCode.NotFound))["detail"], StringComparison.Ordinal);
        using var method = await service.Client.GetAsync("/v1/detect");
        Assert.Contains("GET", (string?)(await method.AssertProblemAsync(HttpStatusCode.MethodNotAllowed))["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_neither_multipart_nor_json_is_415()
    {
        using var response = await service.Client.PostAsync("/v1/detect", new StringContent("a picture of a car", Encoding.UTF8, "text/plain"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("multipart/form-data", (string?)problem["detail"], StringComparison.Ordinal);
        using var raw = await service.Client.PostAsync("/v1/detect", new ByteArrayContent(Image) { Headers = { ContentType = new("image/png") } });
        await raw.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    public static TheoryData<string, byte[], string> UnsupportedImages() => new()
    {
        { "bmp", TestImages.Bmp(), "application/octet-stream" },
        { "gif", TestImages.Gif(), "image/gif" },
        { "tiff", TestImages.Tiff(), "image/tiff" },
        { "png declared as jpeg", TestImages.Png(16, 16), "image/jpeg" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedImages))]
    public async Task Unsupported_image_formats_are_415_for_the_image(string because, byte[] bytes, string contentType)
    {
        Assert.NotEmpty(because);
        foreach (var content in new HttpContent[] { TaskRequests.Multipart(bytes, contentType: contentType), TaskRequests.Json([bytes]) })
        {
            if (contentType == "image/jpeg" && content is not MultipartFormDataContent) continue; // JSON declares no type
            using var response = await service.Client.PostAsync("/v1/detect", content);
            await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "image");
        }
    }

    [Fact]
    public async Task Random_bytes_behind_a_png_signature_are_422()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);

        using var response = await service.Client.PostAsync("/v1/detect", TaskRequests.Multipart(bytes));

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "image");
    }

    [Fact]
    public async Task An_empty_image_part_is_400()
    {
        using var response = await service.Client.PostAsync("/v1/detect", TaskRequests.Multipart(Array.Empty<byte>()));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "image");
    }

    [Fact]
    public async Task Bodies_and_images_over_the_limits_are_413()
    {
        await using var factory = ServiceFactory.Tiny(Settings.Of(
            ("Florence2:Limits:MaxRequestBodyBytes", 200_000), ("Florence2:Limits:MaxImagePixels", 10_000)));
        using var client = await factory.CreateReadyClientAsync();
        byte[] big = TestImages.Png(640, 480); // noisy: ~900 kB
        Assert.True(big.Length > 200_000);

        using var multipart = await client.PostAsync("/v1/detect", TaskRequests.Multipart(big));
        await multipart.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        // Without Content-Length the limit is enforced while reading.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"image\":\"{Convert.ToBase64String(big)}\"}}")));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var json = await client.PostAsync("/v1/detect", chunked);
        await json.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        using var pixels = await client.PostAsync("/v1/detect", TaskRequests.Multipart(TestImages.Png(120, 100)));
        var problem = await pixels.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "image");
        Assert.Equal("Image too large", (string?)problem["title"]);

        using var fits = await client.PostAsync("/v1/detect", TaskRequests.Multipart(TestImages.Png(100, 100),
            new Dictionary<string, string> { ["num_beams"] = "1", ["max_new_tokens"] = "2" }));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    /// <summary>
    /// A model that can't be loaded is fatal: readiness reports "failed" with the reason, task requests get 503, and the
    /// lifecycle stops the application with exit code 1 so the orchestrator restarts or replaces the instance. Under
    /// WebApplicationFactory the stop disposes the host at once, so the test observes the state from an
    /// ApplicationStopping callback registered by a hosted service.
    /// </summary>
    /// <remarks>Cases: a folder that does not exist; a folder without the weight variant Florence2:Model:Dtype asks for.</remarks>
    [Theory]
    [InlineData(null, "florence2-no-such-model-")]
    [InlineData("fp32;decoder_model_merged=q4", "onnx/decoder_model_merged_q4.onnx")]
    public async Task A_model_that_fails_to_load_is_reported_and_stops_the_application_with_exit_code_1(string? dtype, string named)
    {
        var observed = new TaskCompletionSource<(ModelState State, string? Reason, int ExitCode)>(TaskCreationOptions.RunContinuationsAsynchronously);
        string folder = dtype is null
            ? Path.Combine(Path.GetTempPath(), "florence2-no-such-model-" + Guid.NewGuid().ToString("N"))
            : TestModels.Tiny; // fp32 files only
        var settings = dtype is null ? null : Settings.Of(("Florence2:Model:Dtype", dtype));
        await using var factory = new ServiceFactory(folder, settings).WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.AddHostedService(sp => new StopObserver(sp.GetRequiredService<ModelRuntime>(),
                sp.GetRequiredService<IHostApplicationLifetime>(), observed))));
        int exitCodeBefore = Environment.ExitCode;
        try
        {
            try
            {
                using var client = factory.CreateClient();
            }
            catch (ObjectDisposedException)
            {
                // A missing folder or file fails at once: the host may stop itself before the test server finishes starting.
            }
            var (state, reason, exitCode) = await observed.Task.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(ModelState.Failed, state);
            Assert.Contains(named, reason, StringComparison.Ordinal);
            Assert.Equal(1, exitCode);
        }
        finally
        {
            Environment.ExitCode = exitCodeBefore; // the test process must not inherit the service's failure
        }
    }

    [Fact]
    public async Task Readiness_and_tasks_answer_503_while_the_model_is_not_ready()
    {
        await using var factory = ServiceFactory.Tiny();
        using var client = await factory.CreateReadyClientAsync();
        var runtime = factory.Services.GetRequiredService<ModelRuntime>();
        runtime.SetState(ModelState.Loading);
        try
        {
            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal("loading", (string?)(await ready.ReadObjectAsync())["status"]);
            using var task = await client.PostAsync("/v1/detect", TaskRequests.Multipart(Image));
            var problem = await task.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Not ready", (string?)problem["title"]);
            task.AssertRetryAfter();
        }
        finally
        {
            runtime.SetState(ModelState.Ready);
        }
    }

    private sealed class StopObserver(ModelRuntime runtime, IHostApplicationLifetime lifetime,
        TaskCompletionSource<(ModelState, string?, int)> observed) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStopping.Register(() => observed.TrySetResult((runtime.State, runtime.FailureReason, Environment.ExitCode)));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
