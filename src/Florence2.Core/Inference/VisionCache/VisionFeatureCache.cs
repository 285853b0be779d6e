namespace Florence2.Inference.VisionCache;

/// <summary>Hit, miss and eviction counts since the cache was made (for benchmarks, tests and the profiler).</summary>
public readonly record struct VisionCacheStatistics(long Hits, long Misses, long Evictions, int Entries, long Bytes);

/// <summary>
/// The vision encoder's output per prepared image, least recently used first out, bounded in bytes. Shared by every
/// instance of a model pool, so it is thread-safe: entries are immutable arrays, and the index is guarded by a lock
/// held only for dictionary and list updates (never while the encoder runs or features are copied).
/// </summary>
/// <remarks>
/// A hit hands back exactly the floats the encoder wrote the first time, so an answer is the same whether its features
/// came from the cache or not (the decoder sees identical inputs).
/// </remarks>
public sealed class VisionFeatureCache
{
    private readonly object _lock = new();
    private readonly Dictionary<VisionFeatureKey, LinkedListNode<Entry>> _index = [];
    private readonly LinkedList<Entry> _recency = new(); // most recently used first
    private readonly VisionCacheMetrics? _metrics;
    private long _bytes;
    private long _hits;
    private long _misses;
    private long _evictions;

    /// <param name="capacityBytes">Most bytes of features held; must be positive (a disabled cache is no cache).</param>
    /// <param name="metrics">Instruments to count on, or null.</param>
    public VisionFeatureCache(long capacityBytes, VisionCacheMetrics? metrics = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        CapacityBytes = capacityBytes;
        _metrics = metrics;
    }

    /// <summary>The budget in bytes.</summary>
    public long CapacityBytes { get; }

    /// <summary>A cache sized by <paramref name="options"/>, or null when they turn it off.</summary>
    public static VisionFeatureCache? Create(CacheOptions options, VisionCacheMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.VisionFeaturesMb == 0 ? null : new VisionFeatureCache(options.VisionFeaturesBytes, metrics);
    }

    public VisionCacheStatistics Statistics
    {
        get
        {
            lock (_lock) return new VisionCacheStatistics(_hits, _misses, _evictions, _index.Count, _bytes);
        }
    }

    /// <summary>The features stored under <paramref name="key"/>, which become the most recently used; counts a hit or a miss.</summary>
    public bool TryGet(VisionFeatureKey key, out float[] features)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                _hits++;
                _metrics?.Hit();
                features = node.Value.Features;
                return true;
            }
            _misses++;
        }
        _metrics?.Miss();
        features = [];
        return false;
    }

    /// <summary>
    /// Stores <paramref name="features"/> (which the cache now owns: never write to them again) and evicts the least
    /// recently used entries until the budget holds. Features larger than the whole budget are not kept.
    /// </summary>
    public void Add(VisionFeatureKey key, float[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        long size = (long)features.Length * sizeof(float);
        if (size > CapacityBytes) return;
        lock (_lock)
        {
            if (_index.ContainsKey(key)) return; // another instance computed the same image meanwhile
            _index[key] = _recency.AddFirst(new Entry(key, features));
            _bytes += size;
            _metrics?.Added(size);
            while (_bytes > CapacityBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _index.Remove(oldest.Value.Key);
                long freed = (long)oldest.Value.Features.Length * sizeof(float);
                _bytes -= freed;
                _evictions++;
                _metrics?.Evicted(freed);
            }
        }
    }

    private sealed record Entry(VisionFeatureKey Key, float[] Features);
}
