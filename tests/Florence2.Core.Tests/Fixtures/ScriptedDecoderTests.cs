using Florence2.Fixtures;

namespace Florence2.Tests.Fixtures;

/// <summary>The scripted fixture lets engine tests predict exactly what greedy/beam search must produce.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class ScriptedDecoderTests(TinyModelsFixture models)
{
    [Fact]
    public void CachedGreedyDecoding_EmitsTheScriptThenEos()
    {
        var spec = FixtureModelSpec.Scripted(TinyModelsFixture.Script);
        using var decoder = new DecoderHarness(models.ScriptedDirectory, spec);
        var encoderStates = FloatTensor.Random(new Random(20), 1, 5, spec.DModel);
        long[] mask = [1, 1, 1, 1, 1];

        var first = decoder.RunWithoutCache([DecoderHarness.DecoderStartTokenId], encoderStates, mask);
        var generated = new List<long> { FloatTensor.ArgMax(first.LastLogits) };
        var latest = first;
        while (generated.Count < TinyModelsFixture.Script.Length + 2)
        {
            latest = decoder.RunWithCache(generated[^1], encoderStates, mask, decoder.NextPasts(latest, first));
            generated.Add(FloatTensor.ArgMax(latest.LastLogits));
        }

        long[] expected = [.. TinyModelsFixture.Script.Select(t => (long)t), 2, 2];
        Assert.Equal(expected, generated);
    }

    [Fact]
    public void NoCacheBranch_PredictsScriptTokenPerPosition_AndKeepsRealLogitsUnderneath()
    {
        var spec = FixtureModelSpec.Scripted(TinyModelsFixture.Script);
        using var decoder = new DecoderHarness(models.ScriptedDirectory, spec);
        long[] mask = [1, 1, 1];
        var step = decoder.RunWithoutCache([2, 0, 1437], FloatTensor.Random(new Random(21), 1, 3, spec.DModel), mask);

        for (var position = 0; position < 3; position++)
            Assert.Equal(TinyModelsFixture.Script[position], FloatTensor.ArgMax(step.Logits.Row(position)));

        // The real network still runs: the non-script logits depend on the encoder states.
        var other = decoder.RunWithoutCache([2, 0, 1437], FloatTensor.Random(new Random(22), 1, 3, spec.DModel), mask);
        Assert.True(FloatTensor.MaxAbsDifference(step.Logits.Data, other.Logits.Data) > 1e-3);
    }
}
