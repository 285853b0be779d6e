using System.Diagnostics.Metrics;

namespace Florence2.Inference.VisionCache;

/// <summary>
/// The vision-feature cache's instruments on the <c>Florence2</c> meter (exported to Prometheus as written): hits,
/// misses, evictions and the bytes held.
/// </summary>
public sealed class VisionCacheMetrics
{
    /// <summary>The meter the instruments live on (the same one as the batcher's).</summary>
    public const string MeterName = "Florence2";

    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _evictions;
    private readonly UpDownCounter<long> _bytes;

    /// <summary>Creates the instruments on a meter owned (and disposed) by <paramref name="meterFactory"/>.</summary>
    public VisionCacheMetrics(IMeterFactory meterFactory)
        : this((meterFactory ?? throw new ArgumentNullException(nameof(meterFactory))).Create(MeterName))
    {
    }

    /// <summary>Creates the instruments on <paramref name="meter"/>; the caller owns it.</summary>
    public VisionCacheMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _hits = meter.CreateCounter<long>("florence2_vision_cache_hits_total", "{image}",
            "Images whose vision-encoder output was taken from the cache instead of running the encoder.");
        _misses = meter.CreateCounter<long>("florence2_vision_cache_misses_total", "{image}",
            "Images looked up in the vision-feature cache and not found (the encoder ran).");
        _evictions = meter.CreateCounter<long>("florence2_vision_cache_evictions_total", "{image}",
            "Entries dropped from the vision-feature cache to stay within its size.");
        _bytes = meter.CreateUpDownCounter<long>("florence2_vision_cache_bytes", "By",
            "Bytes of vision-encoder output held by the cache.");
    }

    internal void Hit() => _hits.Add(1);

    internal void Miss() => _misses.Add(1);

    internal void Evicted(long bytes)
    {
        _evictions.Add(1);
        _bytes.Add(-bytes);
    }

    internal void Added(long bytes) => _bytes.Add(bytes);
}
