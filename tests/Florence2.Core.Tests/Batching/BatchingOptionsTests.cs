using Florence2.Batching;
using Florence2.Generation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Florence2.Tests.Batching;

public sealed class BatchingOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_match_the_documentation()
    {
        var options = new BatchingOptions();

        Assert.Empty(options.Validate());
        Assert.Equal((8, 5, 256, 60_000), (options.MaxBatchSize, options.MaxQueueDelayMs, options.MaxQueueSize, options.DefaultTimeoutMs));
        Assert.Equal("Florence2:Batching", BatchingOptions.SectionName);
    }

    [Theory]
    [InlineData(0, 5, 256, 60_000, "MaxBatchSize")]
    [InlineData(257, 5, 256, 60_000, "MaxBatchSize")]
    [InlineData(8, -1, 256, 60_000, "MaxQueueDelayMs")]
    [InlineData(8, 10_001, 256, 60_000, "MaxQueueDelayMs")]
    [InlineData(8, 5, 0, 60_000, "MaxQueueSize")]
    [InlineData(8, 5, 256, -1, "DefaultTimeoutMs")]
    public void Out_of_range_settings_are_reported(int maxBatchSize, int delayMs, int queueSize, int timeoutMs, string setting)
    {
        var options = new BatchingOptions
        {
            MaxBatchSize = maxBatchSize, MaxQueueDelayMs = delayMs, MaxQueueSize = queueSize, DefaultTimeoutMs = timeoutMs,
        };

        var error = Assert.Single(options.Validate());
        Assert.StartsWith(setting, error);
    }

    [Fact]
    public void The_batcher_refuses_invalid_options_and_an_empty_pool()
    {
        var time = new FakeTimeProvider();
        var logger = NullLogger<DynamicBatcher>.Instance;

        Assert.Throws<ArgumentException>(() => new DynamicBatcher(new BatchingOptions { MaxBatchSize = 0 }, [new ControlledExecutor()], time, logger));
        Assert.Throws<ArgumentException>(() => new DynamicBatcher(new BatchingOptions(), [], time, logger));
    }

    [Fact]
    public void Compatibility_ignores_the_token_budget_but_not_the_search()
    {
        var settings = new GenerationSettings();

        Assert.Equal(BatchCompatibilityKey.For(settings), BatchCompatibilityKey.For(settings with { MaxNewTokens = 7 }));
        Assert.NotEqual(BatchCompatibilityKey.For(settings), BatchCompatibilityKey.For(settings with { NumBeams = 1 }));
        Assert.NotEqual(BatchCompatibilityKey.For(settings), BatchCompatibilityKey.For(settings with { IgnoreEos = true }));
        Assert.NotEqual(BatchCompatibilityKey.For(settings), BatchCompatibilityKey.For(settings with { LengthPenalty = 2 }));
    }
}
