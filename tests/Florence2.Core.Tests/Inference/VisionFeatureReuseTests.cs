using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Florence2.Generation;
using Florence2.Inference;
using Florence2.Inference.VisionCache;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Tests.Inference;

/// <summary>
/// The engine with a vision-feature cache and rows that share an image: answers are the same as without either, and
/// the passes skipped are visible in the engine's counter, the batch timings and the cache's metrics.
/// </summary>
[Collection(TinyEngineCollection.Name)]
public sealed class VisionFeatureReuseTests : IDisposable
{
    private const string OdPrompt = "Locate the objects with category name in the image.";
    private const string CaptionPrompt = "What does the image describe?";
    private const string OcrPrompt = "What is the text in the image?";
    private static readonly GenerationSettings Greedy = new() { NumBeams = 1, MaxNewTokens = 16 };

    private readonly Meter _meter = new(VisionCacheMetrics.MeterName);
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    private readonly TinyEngineFixture _model;

    public VisionFeatureReuseTests(TinyEngineFixture model)
    {
        _model = model;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _counts.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        _listener.Start();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_same_image_twice_gives_identical_tokens_and_skips_the_second_vision_pass(int beams)
    {
        var settings = Greedy with { NumBeams = beams };
        using var cached = CachedPool(megabytes: 4);
        var engine = cached.Primary;

        var first = Completed(engine.Run(Request(new SyntheticPixels(7), OdPrompt, settings)));
        long encodedAfterFirst = engine.VisionImagesEncoded;
        // A new object with the same pixels: found by the hash of the pixels, not by reference.
        var second = Completed(engine.Run(Request(new SyntheticPixels(7), OdPrompt, settings)));
        var uncached = Completed(_model.Engine.Run(Request(new SyntheticPixels(7), OdPrompt, settings)));

        Assert.Equal(uncached.TokenIds, first.TokenIds);
        Assert.Equal(uncached.TokenIds, second.TokenIds);
        Assert.Equal(uncached.Tokens.Select(t => t.LogProb), second.Tokens.Select(t => t.LogProb));
        Assert.Equal(1, encodedAfterFirst);
        Assert.Equal(1, engine.VisionImagesEncoded);
        Assert.Equal((1, 0), (first.Timings.VisionImages, first.Timings.VisionCacheHits));
        Assert.Equal((0, 1), (second.Timings.VisionImages, second.Timings.VisionCacheHits));
        Assert.Equal(1, Count("florence2_vision_cache_hits_total"));
        Assert.Equal(1, Count("florence2_vision_cache_misses_total"));
    }

    [Fact]
    public void Different_images_miss_and_the_oldest_is_evicted_when_the_budget_is_full()
    {
        long perImage = (long)_model.Engine.Dimensions.ImageTokens * _model.Engine.Dimensions.HiddenSize * sizeof(float);
        using var pool = Florence2EnginePool.Create(_model.Folder, new InferenceOptions { Provider = ExecutionProviderKind.Cpu },
            NullLogger.Instance, new VisionFeatureCache(2 * perImage, new VisionCacheMetrics(_meter)));
        var engine = pool.Primary;
        foreach (int seed in new[] { 1, 2, 3, 1 }) Completed(engine.Run(Request(new SyntheticPixels(seed), CaptionPrompt, Greedy)));

        Assert.Equal(4, engine.VisionImagesEncoded); // image 1 was evicted by image 3, so it ran again
        Assert.Equal(new VisionCacheStatistics(Hits: 0, Misses: 4, Evictions: 2, Entries: 2, Bytes: 2 * perImage), engine.VisionCache!.Statistics);
        Assert.Equal(2, Count("florence2_vision_cache_evictions_total"));
        Assert.Equal(2 * perImage, Count("florence2_vision_cache_bytes"));
    }

    [Fact]
    public void Rows_sharing_an_image_share_one_vision_pass_and_answer_as_they_do_alone()
    {
        // The cache off: sharing comes from the batch alone (what one analyze call's tasks get).
        var image = new SyntheticPixels(31);
        var requests = new[] { OdPrompt, CaptionPrompt, OcrPrompt }.Select(prompt => Request(image, prompt, Greedy)).ToArray();
        var alone = requests.Select(r => Completed(_model.Engine.Run(r)).TokenIds).ToArray();
        long before = _model.Engine.VisionImagesEncoded;

        var batched = _model.Engine.RunBatch([.. requests, Request(new SyntheticPixels(32), OdPrompt, Greedy)]);

        Assert.Equal(2, _model.Engine.VisionImagesEncoded - before);
        for (int i = 0; i < requests.Length; i++) Assert.Equal(alone[i], Completed(batched[i]).TokenIds);
        Assert.All(batched, o => Assert.Equal(2, o.Result!.Timings.VisionImages));
    }

    [Fact]
    public void Requests_that_opt_out_neither_read_nor_fill_the_cache()
    {
        using var cached = CachedPool(megabytes: 4);
        var request = Request(new SyntheticPixels(41), OdPrompt, Greedy);
        Completed(cached.Primary.Run(request));
        var optedOut = new EngineRequest { Image = new SyntheticPixels(41), Prompt = OdPrompt, Generation = Greedy, UseVisionCache = false };
        Completed(cached.Primary.Run(optedOut));
        Completed(cached.Primary.Run(new EngineRequest { Image = new SyntheticPixels(42), Prompt = OdPrompt, Generation = Greedy, UseVisionCache = false }));

        Assert.Equal(3, cached.Primary.VisionImagesEncoded);
        Assert.Equal(new VisionCacheStatistics(0, 1, 0, 1, cached.Primary.VisionCache!.Statistics.Bytes), cached.Primary.VisionCache.Statistics);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meter.Dispose();
    }

    private Florence2EnginePool CachedPool(int megabytes) =>
        Florence2EnginePool.Create(_model.Folder, new InferenceOptions { Provider = ExecutionProviderKind.Cpu }, NullLogger.Instance,
            VisionFeatureCache.Create(new CacheOptions { VisionFeaturesMb = megabytes }, new VisionCacheMetrics(_meter)));

    private long Count(string instrument) => _counts.GetValueOrDefault(instrument);

    private static EngineRequest Request(IPixelSource image, string prompt, GenerationSettings settings) =>
        new() { Image = image, Prompt = prompt, Generation = settings };

    private static EngineResult Completed(EngineOutcome outcome)
    {
        Assert.True(outcome.Status == EngineOutcomeStatus.Completed, $"expected Completed, got {outcome.Status}: {outcome.Error}");
        return outcome.Result!;
    }
}
