using Florence2.Inference.VisionCache;

namespace Florence2.Tests.Inference;

/// <summary>The cache on its own: least recently used out, bounded in bytes, counted.</summary>
public sealed class VisionFeatureCacheTests
{
    private const int Floats = 4; // 16 bytes an entry

    [Fact]
    public void The_least_recently_used_entry_leaves_when_the_budget_is_exceeded()
    {
        var cache = new VisionFeatureCache(3 * Floats * sizeof(float));
        cache.Add(Key(1), Features(1));
        cache.Add(Key(2), Features(2));
        cache.Add(Key(3), Features(3));
        Assert.True(cache.TryGet(Key(1), out _)); // 1 is now the most recent; 2 the least

        cache.Add(Key(4), Features(4));

        Assert.False(cache.TryGet(Key(2), out _));
        Assert.True(cache.TryGet(Key(1), out var one));
        Assert.Equal(Features(1), one);
        Assert.True(cache.TryGet(Key(3), out _));
        Assert.True(cache.TryGet(Key(4), out _));
        Assert.Equal(new VisionCacheStatistics(Hits: 4, Misses: 1, Evictions: 1, Entries: 3, Bytes: 3 * Floats * sizeof(float)),
            cache.Statistics);
    }

    [Fact]
    public void Features_larger_than_the_whole_budget_are_not_kept_and_evict_nothing()
    {
        var cache = new VisionFeatureCache(2 * Floats * sizeof(float));
        cache.Add(Key(1), Features(1));
        cache.Add(Key(2), new float[3 * Floats]);
        Assert.True(cache.TryGet(Key(1), out _));
        Assert.False(cache.TryGet(Key(2), out _));
        Assert.Equal(0, cache.Statistics.Evictions);
    }

    [Fact]
    public void Keys_depend_on_every_pixel_and_on_the_model()
    {
        float[] pixels = [0.5f, -1f, 2f, 0f];
        var key = VisionFeatureKey.Of("model-a", pixels);
        Assert.Equal(key, VisionFeatureKey.Of("model-a", (float[])pixels.Clone()));
        Assert.NotEqual(key, VisionFeatureKey.Of("model-b", pixels));
        float[] changed = [0.5f, -1f, 2f, float.Epsilon];
        Assert.NotEqual(key, VisionFeatureKey.Of("model-a", changed));
    }

    [Fact]
    public void Concurrent_use_keeps_the_byte_count_within_budget_and_consistent()
    {
        var cache = new VisionFeatureCache(8 * Floats * sizeof(float));
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var key = Key(i % 32);
            if (!cache.TryGet(key, out var features)) cache.Add(key, Features(i % 32));
            else Assert.Equal(Features(i % 32), features);
        });
        var statistics = cache.Statistics;
        Assert.Equal(2000, statistics.Hits + statistics.Misses);
        Assert.True(statistics.Entries <= 8, $"{statistics.Entries} entries");
        Assert.Equal(statistics.Entries * Floats * sizeof(float), statistics.Bytes);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(256, true)]
    [InlineData(-1, false)]
    [InlineData(CacheOptions.MaxVisionFeaturesMb + 1, false)]
    public void Options_accept_zero_to_turn_the_cache_off_and_refuse_nonsense(int megabytes, bool valid)
    {
        var options = new CacheOptions { VisionFeaturesMb = megabytes };
        Assert.Equal(valid, options.Validate().Count == 0);
        if (megabytes == 0) Assert.Null(VisionFeatureCache.Create(options));
        if (megabytes == 256) Assert.Equal(256L << 20, VisionFeatureCache.Create(options)!.CapacityBytes);
    }

    private static VisionFeatureKey Key(int i) => VisionFeatureKey.Of("model", [i]);

    private static float[] Features(int i) => [i, i + 0.25f, i + 0.5f, i + 0.75f];
}
