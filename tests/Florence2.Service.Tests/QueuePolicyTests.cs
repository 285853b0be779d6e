using System.Net;
using Florence2.Service.Tests.Infrastructure;

namespace Florence2.Service.Tests;

/// <summary>Queue full, queue deadline and client cancellation, with the worker held busy by a long scripted decode.</summary>
[Collection(SerialCollection.Name)]
public sealed class QueuePolicyTests
{
    [Fact]
    public async Task A_full_queue_answers_503_with_Retry_After_and_every_request_gets_one_answer()
    {
        await using var service = await BusyService.StartAsync(
            ("Florence2:Batching:MaxBatchSize", 1), ("Florence2:Batching:MaxQueueSize", 1));
        var running = await service.HoldWorkerAsync();

        var burst = Enumerable.Range(0, 8).Select(_ => service.SendShortAsync()).ToArray();
        // Seven refusals while the worker is held; only then may the one queued request run.
        await Prometheus.WaitForAsync(service.Client, m => m.Value("florence2_rejections_total", "reason=\"queue_full\"") == 7, "seven refusals");
        Assert.Equal(7, burst.Count(b => b.IsCompleted));
        await running.ReleaseAndAssertOkAsync();
        var answers = await Task.WhenAll(burst);

        foreach (var answer in answers)
            Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                $"{(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        // One request fits in the queue behind the running one; the other seven are refused at once.
        Assert.Equal(7, refused.Count);
        foreach (var response in refused)
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("Queue full", (string?)problem["title"]);
            response.AssertRetryAfter();
        }
        var metrics = await Prometheus.ScrapeAsync(service.Client);
        Assert.Equal(7, metrics.Value("florence2_rejections_total", "reason=\"queue_full\""));
        Assert.Equal(7, metrics.Value("florence2_requests_total", "outcome=\"unavailable\""));
        foreach (var answer in answers) answer.Dispose();
    }

    [Fact]
    public async Task A_call_whose_images_do_not_all_fit_in_the_queue_is_refused_whole_and_queues_none()
    {
        await using var service = await BusyService.StartAsync(
            ("Florence2:Batching:MaxBatchSize", 1), ("Florence2:Batching:MaxQueueSize", 2));
        var running = await service.HoldWorkerAsync();

        using var response = await service.Client.PostAsync("/v1/caption", TaskRequests.Multipart(
            [TestImages.Png(32, 32, 1), TestImages.Png(32, 32, 2), TestImages.Png(32, 32, 3)],
            new Dictionary<string, string> { ["num_beams"] = "1", ["max_new_tokens"] = "2" }));

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        response.AssertRetryAfter();
        // Two of the three would fit; the call is admitted whole or not at all, so nothing was queued to withdraw.
        var metrics = await Prometheus.WaitForAsync(service.Client,
            m => m.Value("florence2_rejections_total", "reason=\"queue_full\"") == 1, "the call refused");
        Assert.Equal(0, metrics.Value("florence2_rejections_total", "reason=\"cancelled\""));
        Assert.Equal(0, metrics.Value("florence2_queue_depth"));
        Assert.False(running.IsCompleted, "The call must be refused while the long request still runs.");
        await running.ReleaseAndAssertOkAsync();
        Assert.Equal(1, (await Prometheus.ScrapeAsync(service.Client)).Value("florence2_batch_size_count"));
    }

    [Fact]
    public async Task A_queue_deadline_passed_answers_504_and_a_client_may_shorten_the_deadline_but_not_extend_it()
    {
        await using var service = await BusyService.StartAsync(
            ("Florence2:Batching:MaxBatchSize", 1), ("Florence2:Batching:DefaultTimeoutMs", 300));
        var running = await service.HoldWorkerAsync(900);

        using var shortened = await service.SendShortAsync(new Dictionary<string, string> { ["X-Request-Timeout-Ms"] = "1" });
        using var byDefault = await service.SendShortAsync();
        using var extended = await service.SendShortAsync(new Dictionary<string, string> { ["X-Request-Timeout-Ms"] = "600000" });

        foreach (var response in new[] { shortened, byDefault, extended })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.GatewayTimeout);
            Assert.Equal("Queue deadline passed", (string?)problem["title"]);
        }
        Assert.False(running.IsCompleted, "The deadlines must pass while the long request still runs.");
        await running.ReleaseAndAssertOkAsync();
        var metrics = await Prometheus.ScrapeAsync(service.Client);
        Assert.Equal(3, metrics.Value("florence2_rejections_total", "reason=\"timeout\""));
        Assert.Equal(1, metrics.Value("florence2_batch_size_count"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("1.5")]
    public async Task An_invalid_timeout_header_is_400_naming_the_header(string value)
    {
        await using var factory = ServiceFactory.Tiny();
        using var client = await factory.CreateReadyClientAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/caption") { Content = TaskRequests.Multipart(TestImages.Png(32, 32)) };
        request.Headers.TryAddWithoutValidation("X-Request-Timeout-Ms", value);

        using var response = await client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "X-Request-Timeout-Ms");
    }

    /// <summary>
    /// Mechanism: the worker runs a long request; a second request is sent with a cancellation token and cancelled
    /// once <c>florence2_queue_depth</c> shows it waiting. The test server turns the cancelled HttpClient call into
    /// <c>HttpContext.RequestAborted</c>, which the handler passes to the batcher; the batcher removes the request from
    /// the queue and counts <c>florence2_rejections_total{reason="cancelled"}</c>. That it never reached the model shows
    /// in <c>florence2_batch_size_count</c> and <c>florence2_generated_tokens_count</c>: one batch, one completed request.
    /// </summary>
    [Fact]
    public async Task A_request_cancelled_while_queued_never_reaches_the_model()
    {
        await using var service = await BusyService.StartAsync(("Florence2:Batching:MaxBatchSize", 1));
        var running = await service.HoldWorkerAsync();

        using var cancel = new CancellationTokenSource();
        var queued = service.SendShortAsync(cancellationToken: cancel.Token);
        await Prometheus.WaitForAsync(service.Client, m => m.Value("florence2_queue_depth") == 1, "the second request queued");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        await Prometheus.WaitForAsync(service.Client, m => m.Value("florence2_rejections_total", "reason=\"cancelled\"") == 1,
            "the cancellation counted");
        Assert.False(running.IsCompleted, "The cancellation must happen while the long request still runs.");
        await running.ReleaseAndAssertOkAsync();
        await BusyService.AssertOkAsync(service.SendShortAsync());

        var metrics = await Prometheus.WaitForAsync(service.Client, m => m.Value("florence2_generated_tokens_count") == 2, "both served requests");
        Assert.Equal(2, metrics.Value("florence2_batch_size_count"));
        Assert.Equal(0, metrics.Value("florence2_queue_depth"));
    }
}
