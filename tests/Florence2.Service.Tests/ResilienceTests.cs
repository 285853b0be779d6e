using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Florence2.Service.Tests.Infrastructure;

namespace Florence2.Service.Tests;

/// <summary>A storm of bad requests is answered with 4xx problems and leaves the service healthy.</summary>
public sealed class ResilienceTests
{
    private static readonly Func<int, HttpContent>[] Garbage =
    [
        i => TaskRequests.Multipart(RandomBytes(i, 2048)),
        i => TaskRequests.Multipart(PngSignature(RandomBytes(i, 1024))),
        i => new StringContent("garbage " + i, Encoding.UTF8, "text/plain"),
        i => new StringContent("{\"image\": [" + i, Encoding.UTF8, "application/json"),
        i => new StringContent("{\"image\": \"" + new string('!', i) + "\"}", Encoding.UTF8, "application/json"),
        i => TaskRequests.Json([TestImages.Png(16, 16)], new Dictionary<string, object?> { ["num_beams"] = 1000 + i }),
        i => TaskRequests.Json([TestImages.Png(16, 16)], new Dictionary<string, object?> { ["task"] = "task-" + i }),
        i => TaskRequests.Multipart(TestImages.Bmp(), contentType: "image/bmp"),
        i => TaskRequests.Multipart(TestImages.Png(16, 16), new Dictionary<string, string> { ["task"] = "region_to_ocr", ["region"] = $"{i},{i},{i},x" }),
        i => new ByteArrayContent(RandomBytes(i, 512)) { Headers = { ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz") } },
        i => TaskRequests.Multipart(Array.Empty<byte[]>(), new Dictionary<string, string> { ["task"] = "od" }),
    ];

    [Fact]
    public async Task A_hundred_concurrent_bad_requests_get_problems_and_leave_the_service_ready()
    {
        await using var factory = ServiceFactory.Tiny();
        using var client = await factory.CreateReadyClientAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            using var response = await client.PostAsync(i % 2 == 0 ? "/v1/detect" : "/v1/tasks/od", Garbage[i % Garbage.Length](i));
            return (Case: i % Garbage.Length, Status: (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.All(answers, a =>
        {
            Assert.True(a.Status is >= 400 and < 500, $"case {a.Case}: {a.Status} {a.Body}");
            Assert.True(a.MediaType == "application/problem+json", $"case {a.Case}: {a.MediaType} {a.Body}");
        });
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var good = await client.PostAsync("/v1/detect", TaskRequests.Multipart(TestImages.Png(64, 48),
            new Dictionary<string, string> { ["num_beams"] = "2", ["max_new_tokens"] = "4" }));
        ResponseAssert.WellFormed(await good.ReadObjectAsync(), Florence2.Tasks.TaskCatalog.ObjectDetection, 64, 48);
    }

    private static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] PngSignature(byte[] bytes)
    {
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(bytes, 0);
        return bytes;
    }
}
