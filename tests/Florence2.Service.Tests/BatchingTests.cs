using System.Text.Json.Nodes;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Tasks;

namespace Florence2.Service.Tests;

/// <summary>Concurrent requests share model passes, and sharing one changes no answer.</summary>
[Collection(SerialCollection.Name)]
public sealed class BatchingTests
{
    /// <summary>
    /// Sixteen requests: greedy and beam-3 (which may not share a batch), three tasks with prompts of different
    /// lengths (so batches are padded), different image sizes.
    /// </summary>
    private static TaskCall[] Calls() => Enumerable.Range(0, 16).Select(i =>
    {
        var task = (i % 3) switch { 0 => TaskCatalog.ObjectDetection, 1 => TaskCatalog.Caption, _ => TaskCatalog.PhraseGrounding };
        return TaskCall.For(task, TestImages.Png(96 + 16 * i, 64 + 8 * i, seed: i)) with
        {
            NumBeams = i % 2 == 0 ? 1 : 3,
            MaxNewTokens = 10 + i % 4,
            Text = task == TaskCatalog.PhraseGrounding ? string.Join(" ", Enumerable.Repeat("a green car", 1 + i % 5)) : null,
        };
    }).ToArray();

    [Fact]
    public async Task Concurrent_requests_are_batched_and_each_answer_equals_the_one_served_alone()
    {
        var calls = Calls();
        await using var factory = ServiceFactory.Tiny(Settings.Of(
            ("Florence2:Batching:MaxBatchSize", 8), ("Florence2:Batching:MaxQueueDelayMs", 50)));
        using var client = await factory.CreateReadyClientAsync();

        var batched = await Task.WhenAll(calls.Select(call => call.RunAsync(client)));
        var alone = new List<JsonObject>();
        foreach (var call in calls) alone.Add(await call.RunAsync(client));

        Assert.Contains(batched, body => (int)body["timings"]!["batch_size"]! > 1);
        Assert.All(alone, body => Assert.Equal(1, (int)body["timings"]!["batch_size"]!));
        for (int i = 0; i < calls.Length; i++)
        {
            Assert.Equal((string?)alone[i]["raw"], (string?)batched[i]["raw"]);
            Assert.Equal(alone[i]["hf"]!.ToJsonString(), batched[i]["hf"]!.ToJsonString());
        }

        // The exporter emits the histogram as florence2_batch_size_{bucket,sum,count} (the "{request}" unit adds no
        // suffix); it counts the requests a batch started with, and florence2_batch_joins_total those that joined one
        // running (continuous batching, the default). 32 requests ran; 16 alone, so fewer than 32 batches means the
        // other 16 shared some.
        var metrics = await Prometheus.WaitForAsync(client,
            m => m.Value("florence2_batch_size_sum") + m.Value("florence2_batch_joins_total") == 32, "all 32 requests");
        double batches = metrics.Value("florence2_batch_size_count");
        Assert.InRange(batches, 2 + 16, 31); // greedy and beam-3 requests never share a batch
        Assert.True(metrics.Value("florence2_batch_size_bucket", "le=\"1\"") < batches || metrics.Value("florence2_batch_joins_total") > 0,
            "Some requests must have shared a batch, formed together or joined.");
        Assert.Contains("# TYPE florence2_batch_size histogram", metrics.Text, StringComparison.Ordinal);
    }
}
