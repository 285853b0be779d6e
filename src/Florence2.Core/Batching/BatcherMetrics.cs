using System.Diagnostics.Metrics;
using Florence2.Inference;

namespace Florence2.Batching;

/// <summary>
/// The batcher's instruments on the <see cref="MeterName"/> meter. Names are exported to Prometheus as written, so
/// they are part of the service's contract. Durations are in seconds, as Prometheus expects.
/// </summary>
public sealed class BatcherMetrics
{
    /// <summary>The meter every Florence-2 instrument lives on.</summary>
    public const string MeterName = "Florence2";

    private readonly UpDownCounter<int> _queueDepth;
    private readonly Histogram<double> _queueDuration;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _joined;
    private readonly Counter<long> _rejections;
    private readonly Histogram<int> _generatedTokens;
    private readonly Histogram<double> _stageDuration;
    private readonly Counter<long> _visionEncodedImages;

    /// <summary>Creates the instruments on a meter owned (and disposed) by <paramref name="meterFactory"/>.</summary>
    public BatcherMetrics(IMeterFactory meterFactory)
        : this((meterFactory ?? throw new ArgumentNullException(nameof(meterFactory))).Create(MeterName))
    {
    }

    /// <summary>Creates the instruments on <paramref name="meter"/> (normally named <see cref="MeterName"/>); the caller owns it.</summary>
    public BatcherMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        Meter = meter;
        _queueDepth = meter.CreateUpDownCounter<int>("florence2_queue_depth", "{request}",
            "Requests waiting in the batching queue.");
        _queueDuration = meter.CreateHistogram("florence2_queue_duration_seconds", "s",
            "Time from admission until the request's batch was handed to a model instance.", tags: null,
            advice: Buckets(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60));
        _batchSize = meter.CreateHistogram("florence2_batch_size", "{request}",
            "Requests per batch handed to a model instance.", tags: null,
            advice: Buckets(1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 128, 256));
        _joined = meter.CreateCounter<long>("florence2_batch_joins_total", "{request}",
            "Requests that joined a batch already decoding (continuous batching) instead of starting one.");
        _rejections = meter.CreateCounter<long>("florence2_rejections_total", "{request}",
            "Requests answered without running, by reason.");
        _generatedTokens = meter.CreateHistogram("florence2_generated_tokens", "{token}",
            "Tokens generated per completed request.", tags: null,
            advice: Buckets(1, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096));
        _stageDuration = meter.CreateHistogram("florence2_stage_duration_seconds", "s",
            "Time a completed request spent in each model stage (vision and encoder are shared by its batch).", tags: null,
            advice: Buckets(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60));
        _visionEncodedImages = meter.CreateCounter<long>("florence2_vision_encoded_images_total", "{image}",
            "Vision-encoder image passes behind completed requests: requests sharing an image in a batch, or finding it in the " +
            "vision-feature cache, add none.");
    }

    /// <summary>The meter the instruments were created on.</summary>
    public Meter Meter { get; }

    internal void QueueDepthChanged(int delta) => _queueDepth.Add(delta);

    internal void RecordQueueDuration(TimeSpan waited) => _queueDuration.Record(waited.TotalSeconds);

    internal void RecordBatchSize(int size) => _batchSize.Record(size);

    internal void RecordJoined(int requests) => _joined.Add(requests);

    internal void RecordRejection(string reason) =>
        _rejections.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void RecordCompleted(EngineResult result)
    {
        _generatedTokens.Record(result.GeneratedTokens);
        RecordStage("vision", result.Timings.VisionMs);
        RecordStage("encoder", result.Timings.EncoderMs);
        RecordStage("decoder", result.Timings.DecoderMs);
        if (result.Timings.VisionSource == VisionFeatureSource.Encoded) _visionEncodedImages.Add(1);
    }

    private void RecordStage(string stage, double milliseconds) =>
        _stageDuration.Record(milliseconds / 1000.0, new KeyValuePair<string, object?>("stage", stage));

    private static InstrumentAdvice<T> Buckets<T>(params T[] boundaries) where T : struct =>
        new() { HistogramBucketBoundaries = boundaries };
}
