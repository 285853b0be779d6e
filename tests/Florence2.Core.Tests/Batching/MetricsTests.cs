using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Florence2.Batching;

namespace Florence2.Tests.Batching;

public sealed class MetricsTests : IDisposable
{
    // A meter per test, matched by reference, so tests running in parallel never see each other's measurements.
    private readonly Meter _meter = new(BatcherMetrics.MeterName);
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public MetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    [Fact]
    public async Task Batch_sizes_queue_durations_tokens_and_stages_are_recorded()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 2, MaxQueueDelayMs = 100 },
            autoFinish: true, meter: _meter);

        await Task.WhenAll(harness.Enqueue("a"), harness.Enqueue("b")).Within();
        var single = harness.Enqueue("c");
        harness.Clock.AdvanceMs(100);
        await single.Within();

        Assert.Equal([2, 1], Values("florence2_batch_size"));
        Assert.Equal([0.0, 0.0, 0.1], Values("florence2_queue_duration_seconds"));
        Assert.Equal([2, 2, 2], Values("florence2_generated_tokens"));
        var stages = Of("florence2_stage_duration_seconds").ToList();
        Assert.Equal(9, stages.Count);
        Assert.All(stages.Where(m => m.Tag("stage") == "vision"), m => Assert.Equal(0.010, m.Value, 6));
        Assert.Equal(["decoder", "encoder", "vision"], stages.Select(m => m.Tag("stage")).Distinct().Order());
        Assert.Equal(0, Values("florence2_queue_depth").Sum());
    }

    [Fact]
    public async Task Rejections_are_counted_with_their_reason()
    {
        var options = new BatchingOptions { MaxBatchSize = 1, MaxQueueDelayMs = 0, MaxQueueSize = 1 };
        await using var harness = BatcherHarness.Create(options, meter: _meter);
        var running = harness.Enqueue("running");
        var batch = await harness.Executor.NextBatchAsync();

        var timesOut = harness.Enqueue("times-out", timeout: TimeSpan.FromMilliseconds(50));
        Assert.Throws<QueueFullException>(() => { _ = harness.Enqueue("refused"); });
        harness.Clock.AdvanceMs(50);
        await Assert.ThrowsAsync<QueueTimeoutException>(() => timesOut.Within());
        using var cancel = new CancellationTokenSource();
        var cancelled = harness.Enqueue("cancelled", cancellationToken: cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.Within());
        batch.FinishAll();
        await running.Within();
        await harness.Batcher.DrainAsync().Within();
        Assert.Throws<BatcherUnavailableException>(() => { _ = harness.Enqueue("unavailable"); });

        var reasons = Of("florence2_rejections_total").Select(m => m.Tag("reason")).Order();
        Assert.Equal([RejectionReason.Cancelled, RejectionReason.QueueFull, RejectionReason.Timeout, RejectionReason.Unavailable], reasons);
        Assert.Equal(0, Values("florence2_queue_depth").Sum());
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meter.Dispose();
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct =>
        _measurements.Enqueue(new Measurement(instrument.Name, Convert.ToDouble(value), tags.ToArray()));

    private IEnumerable<Measurement> Of(string name) => _measurements.Where(m => m.Name == name);

    private double[] Values(string name) => [.. Of(name).Select(m => m.Value)];

    private sealed record Measurement(string Name, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public string? Tag(string key) => Tags.FirstOrDefault(t => t.Key == key).Value as string;
    }
}
