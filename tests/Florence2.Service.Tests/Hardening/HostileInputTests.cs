using System.Diagnostics;
using System.Net;
using Florence2.Service.Tests.Hardening.Corpus;
using Florence2.Service.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Florence2.Service.Tests.Hardening;

/// <summary>
/// The hostile-input corpus against the real service on the tiny fixture model: each case alone (status and problem
/// body), then the whole corpus again under concurrency, after which the service must be healthy, have answered every
/// request exactly once, and hold no more memory than before.
/// </summary>
[Collection(HardeningCollection.Name)]
public sealed class HostileInputTests(HostileServiceFixture service, ITestOutputHelper output) : IClassFixture<HostileServiceFixture>
{
    private const int Concurrency = 50;
    private const int Rounds = 4;

    /// <summary>
    /// Allowed managed-heap growth. Not the 10 % first aimed for: in-process the measure is dominated by ArrayPool's
    /// per-thread caches, which grow with the thread pool under 50-way concurrency (measured: +5 to +40 MB per 420
    /// requests, decelerating as threads stop being added). soak.sh checks real leaks via the server's RSS slope.
    /// </summary>
    private const long AllowedGrowthBytes = 64L * 1024 * 1024;
    private const string RequestsMetric = "florence2_requests_total";

    [Theory]
    [MemberData(nameof(HostileCorpus.Cases), MemberType = typeof(HostileCorpus))]
    public async Task Each_case_gets_its_documented_answer(HostileCase hostile)
    {
        var clock = Stopwatch.StartNew();
        using var response = await service.SendAsync(hostile);
        clock.Stop();
        output.WriteLine($"{hostile.Name}: {(int)response.StatusCode} in {clock.ElapsedMilliseconds} ms");   // reported, not gated

        await ProblemAssert.MatchesAsync(hostile, response);
        if (hostile.DetailContains is { } header)
        {
            string detail = (string?)(await response.ReadObjectAsync())["detail"] ?? "";
            Assert.True(detail.Contains(header, StringComparison.Ordinal), $"{hostile.Name}: '{detail}' does not name the size the header declares");
        }
    }

    [Fact]
    public async Task The_corpus_under_concurrency_leaves_the_service_healthy_exact_and_without_growth()
    {
        // Baseline after two warm-up passes: JIT, pools, ImageSharp's allocator and the engine near steady state.
        await SendCorpusAsync(rounds: 2);
        long baseline = ManagedHeapAfterFullCollection();
        double countedBefore = await CountedRequestsAsync(expected: null);

        var answers = new List<(HostileCase Case, int Status)>();
        for (int round = 0; round < Rounds; round++)
        {
            answers.AddRange(await SendCorpusAsync(rounds: 1));
            output.WriteLine($"after round {round + 1}: managed heap {ManagedHeapAfterFullCollection() / 1e6:F1} MB");
        }

        int sent = HostileCorpus.All.Count * Rounds;
        Assert.Equal(sent, answers.Count);   // every SendAsync returned exactly one response (none threw or hung)
        foreach (var (hostile, status) in answers)
            Assert.True(hostile.Statuses.Contains(status), $"{hostile.Name}: {status} under concurrency, expected {string.Join(" or ", hostile.Statuses)}");

        using (var live = await service.Client.GetAsync("/health/live")) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using (var ready = await service.Client.GetAsync("/health/ready")) Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using (var good = await service.SendAsync(new HostileCase("good", () => HostileRequests.Multipart("/v1/caption", TestImages.Png(64, 48)), [200], null, "")))
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);

        // The service counts each task request that reaches a handler once, whatever its outcome; plus the good one.
        int countable = HostileCorpus.All.Count(c => c.Counted) * Rounds + 1;
        double counted = await CountedRequestsAsync(expected: countedBefore + countable) - countedBefore;
        Assert.Equal(countable, counted);

        long after = ManagedHeapAfterFullCollection();
        double growth = (after - baseline) / (double)baseline;
        output.WriteLine($"{sent} requests; managed heap {baseline / 1e6:F1} MB → {after / 1e6:F1} MB ({growth:+0.0%;-0.0%})");
        Assert.True(after - baseline < AllowedGrowthBytes, $"managed heap grew {growth:P1} ({baseline / 1e6:F1} → {after / 1e6:F1} MB)");
    }

    private async Task<List<(HostileCase Case, int Status)>> SendCorpusAsync(int rounds)
    {
        using var gate = new SemaphoreSlim(Concurrency);
        var calls = Enumerable.Range(0, rounds).SelectMany(_ => HostileCorpus.All).Select(async hostile =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await service.SendAsync(hostile);
                await response.Content.LoadIntoBufferAsync();
                return (hostile, (int)response.StatusCode);
            }
            finally
            {
                gate.Release();
            }
        });
        return [.. await Task.WhenAll(calls)];
    }

    /// <summary>
    /// The counter at /metrics. The exporter caches a scrape briefly, so when a value is expected, poll until it shows
    /// (or the poll's limit passes, and the caller's assertion reports the difference).
    /// </summary>
    private async Task<double> CountedRequestsAsync(double? expected)
    {
        try
        {
            return (await Prometheus.WaitForAsync(service.Client, m => expected is null || m.Value(RequestsMetric) >= expected, RequestsMetric))
                .Value(RequestsMetric);
        }
        catch (TimeoutException)
        {
            return (await Prometheus.ScrapeAsync(service.Client)).Value(RequestsMetric);
        }
    }

    /// <summary>
    /// The measure: <see cref="GC.GetTotalMemory(bool)"/> with a forced full collection (twice, so finalizers that free
    /// more objects have run). It sees the managed heap of the whole test process: the service, the test server and
    /// the client, but not ImageSharp's or ONNX Runtime's unmanaged pools (soak.sh watches RSS for those).
    /// </summary>
    private static long ManagedHeapAfterFullCollection()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
