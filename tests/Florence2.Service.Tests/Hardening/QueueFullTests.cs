using System.Net;
using Florence2.Service.Tests.Hardening.Corpus;
using Florence2.Service.Tests.Infrastructure;

namespace Florence2.Service.Tests.Hardening;

/// <summary>
/// Regression for the first overload.sh finding: a full queue made the batcher throw QueueFullException synchronously
/// from EnqueueAsync, outside TaskInvoker's translation, so every refused request was a 500 (and uncounted).
/// </summary>
[Collection(HardeningCollection.Name)]
public sealed class QueueFullTests
{
    [Fact]
    public async Task A_full_queue_refuses_with_503_and_Retry_After_never_500()
    {
        await using var factory = ServiceFactory.Tiny(new Dictionary<string, string?>
        {
            ["Florence2:Batching:MaxQueueSize"] = "1",
            ["Florence2:Batching:MaxBatchSize"] = "1",
        });
        using var client = await factory.CreateReadyClientAsync();
        var request = new HostileCase("burst", () => HostileRequests.Multipart("/v1/caption", TestImages.Png(64, 48),
            HostileRequests.Fields(("max_new_tokens", "32"))), [200, 503], null, "A burst of 24 against a queue of one.");

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => client.SendAsync(request.Build())));
        try
        {
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
            foreach (var response in responses)
            {
                await ProblemAssert.MatchesAsync(request, response);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable) Assert.NotNull(response.Headers.RetryAfter);
            }
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }
    }
}
