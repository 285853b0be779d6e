using Florence2.Service.Tests.Infrastructure;
using Florence2.Tasks;

namespace Florence2.Service.Tests;

/// <summary>Continuous batching through the API: a short request no longer waits behind a long one.</summary>
[Collection(SerialCollection.Name)]
public sealed class ContinuousBatchingTests
{
    [Theory]
    [InlineData("continuous")]
    [InlineData("cohort")]
    public async Task A_short_request_arriving_during_a_long_one_joins_it_and_finishes_first_only_when_continuous(string mode)
    {
        // EOS ignored: the long request really decodes its 1000 tokens, the short one its 4.
        await using var factory = ServiceFactory.Tiny(Settings.Of(
            ("Florence2:Batching:Mode", mode), ("Florence2:Service:BenchmarkIgnoreEos", true)));
        using var client = await factory.CreateReadyClientAsync();
        var longCall = (TaskCall.For(TaskCatalog.Caption, TestImages.Png(64, 48, seed: 1)) with { NumBeams = 1, MaxNewTokens = 1000 })
            .RunAsync(client);
        await Prometheus.WaitForAsync(client, m => m.Value("florence2_queue_duration_seconds_count") == 1, "the long request running");

        var shortAnswer = await (TaskCall.For(TaskCatalog.ObjectDetection, TestImages.Png(48, 64, seed: 2)) with { NumBeams = 1, MaxNewTokens = 4 })
            .RunAsync(client);
        bool longDoneFirst = longCall.IsCompleted; // in cohort mode its answer may still be on its way: not compared
        var longAnswer = await longCall;

        Assert.Equal(1000, (int)longAnswer["timings"]!["generated_tokens"]!);
        Assert.Equal(4, (int)shortAnswer["timings"]!["generated_tokens"]!);
        var metrics = await Prometheus.WaitForAsync(client, m => m.Value("florence2_queue_duration_seconds_count") == 2, "both requests");
        if (mode == "continuous")
        {
            Assert.False(longDoneFirst, "The short request must finish while the long one still decodes.");
            Assert.Equal(2, (int)shortAnswer["timings"]!["batch_size"]!);
            Assert.Equal(1, metrics.Value("florence2_batch_joins_total"));
            Assert.Equal(1, metrics.Value("florence2_batch_size_count")); // one batch for both
        }
        else
        {
            // A closed batch: the short request waited in the queue for the long one's batch to end.
            Assert.Equal(1, (int)shortAnswer["timings"]!["batch_size"]!);
            Assert.Equal(0, metrics.Value("florence2_batch_joins_total"));
            Assert.Equal(2, metrics.Value("florence2_batch_size_count"));
        }
    }
}
