using Florence2.Fixtures;

namespace Florence2.Tests.Fixtures;

/// <summary>Batching (beam search) and multi-token cached steps give the same numbers as one-at-a-time runs.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class DecoderBatchAndChunkTests(TinyModelsFixture models)
{
    private const int EncoderLength = 6;
    private static readonly FixtureModelSpec Spec = FixtureModelSpec.Tiny;

    [Fact]
    public void BatchOfTwo_EachItemMatchesItsOwnBatchOfOneRun()
    {
        using var decoder = new DecoderHarness(models.TinyDirectory, Spec);
        var encoderA = FloatTensor.Random(new Random(30), 1, EncoderLength, Spec.DModel);
        var encoderB = FloatTensor.Random(new Random(31), 1, EncoderLength, Spec.DModel);
        long[] maskA = [1, 1, 1, 1, 1, 1], maskB = [1, 1, 1, 1, 0, 0];
        long[] idsA = [2, 11], idsB = [2, 12];

        var firstA = decoder.RunWithoutCache(idsA, encoderA, maskA);
        var firstB = decoder.RunWithoutCache(idsB, encoderB, maskB);
        var encoderBoth = FloatTensor.Stack(encoderA, encoderB);
        long[] maskBoth = [.. maskA, .. maskB];
        var firstBoth = decoder.Run(FloatTensor.Stack(decoder.Embed(idsA), decoder.Embed(idsB)), encoderBoth, maskBoth, pasts: null);

        AssertItemsMatch(firstBoth, firstA, firstB);

        var nextA = decoder.RunWithCache(13, encoderA, maskA, decoder.NextPasts(firstA, firstA));
        var nextB = decoder.RunWithCache(14, encoderB, maskB, decoder.NextPasts(firstB, firstB));
        var nextBoth = decoder.Run(FloatTensor.Stack(decoder.Embed(13), decoder.Embed(14)), encoderBoth, maskBoth,
            decoder.NextPasts(firstBoth, firstBoth));

        AssertItemsMatch(nextBoth, nextA, nextB);
    }

    [Fact]
    public void CacheBranch_WithSeveralNewTokens_MatchesFullRecomputation()
    {
        using var decoder = new DecoderHarness(models.TinyDirectory, Spec);
        var encoderStates = FloatTensor.Random(new Random(32), 1, EncoderLength, Spec.DModel);
        long[] mask = [1, 1, 1, 1, 1, 1];

        var prefix = decoder.RunWithoutCache([2, 0], encoderStates, mask);
        var chunk = decoder.RunWithCache([500, 600, 700], encoderStates, mask, decoder.NextPasts(prefix, prefix));
        var full = decoder.RunWithoutCache([2, 0, 500, 600, 700], encoderStates, mask);

        Assert.Equal([1L, 3, 51289], chunk.Logits.Shape);
        for (var row = 0; row < 3; row++)
            Assert.True(FloatTensor.MaxAbsDifference(full.Logits.Row(2 + row), chunk.Logits.Row(row)) < 1e-3, $"new token {row}");
    }

    private static void AssertItemsMatch(DecoderStep both, DecoderStep a, DecoderStep b)
    {
        foreach (var name in new[] { "logits", "present.1.decoder.key", "present.0.encoder.value" })
        {
            if (both.Outputs[name].Shape[0] == 0) continue; // cache-branch encoder placeholders carry no data
            Assert.True(FloatTensor.MaxAbsDifference(both.Outputs[name].BatchItem(0).Data, a.Outputs[name].Data) < 1e-4, $"{name} item 0");
            Assert.True(FloatTensor.MaxAbsDifference(both.Outputs[name].BatchItem(1).Data, b.Outputs[name].Data) < 1e-4, $"{name} item 1");
        }
    }
}
