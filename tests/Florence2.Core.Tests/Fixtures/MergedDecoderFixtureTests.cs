using Florence2.Fixtures;

namespace Florence2.Tests.Fixtures;

/// <summary>Both branches of the merged decoder's If node behave like optimum's merged Florence-2 decoder.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class MergedDecoderFixtureTests(TinyModelsFixture models)
{
    private const int EncoderLength = 7;
    private static readonly FixtureModelSpec Spec = FixtureModelSpec.Tiny;

    [Fact]
    public void NoCacheBranch_ReturnsStepCachesAndLogitsDependOnEncoderStates()
    {
        using var decoder = new DecoderHarness(models.TinyDirectory, Spec);
        var encoderStates = EncoderStates(seed: 10);
        long[] mask = Ones();
        var step = decoder.RunWithoutCache([2, 100, 7], encoderStates, mask);

        Assert.Equal([1L, 3, 51289], step.Logits.Shape);
        Assert.Equal([1L, 2, 3, 8], step.Outputs["present.1.decoder.value"].Shape);
        Assert.Equal([1L, 2, EncoderLength, 8], step.Outputs["present.1.encoder.key"].Shape);

        var other = decoder.RunWithoutCache([2, 100, 7], EncoderStates(seed: 11), mask);
        Assert.True(FloatTensor.MaxAbsDifference(step.Logits.Data, other.Logits.Data) > 1e-3);
    }

    [Fact]
    public void NoCacheBranch_EncoderAttentionMaskHidesPaddedEncoderPositions()
    {
        using var decoder = new DecoderHarness(models.TinyDirectory, Spec);
        var encoderStates = EncoderStates(seed: 12);
        var mask = Ones();
        mask[^1] = 0;
        var baseline = decoder.RunWithoutCache([2], encoderStates, mask);

        var changed = encoderStates.DeepCopy();
        for (var i = (EncoderLength - 1) * Spec.DModel; i < changed.Data.Length; i++) changed.Data[i] += 5f * MathF.Sin(i);
        var masked = decoder.RunWithoutCache([2], changed, mask);
        var unmasked = decoder.RunWithoutCache([2], changed, Ones());

        Assert.True(FloatTensor.MaxAbsDifference(baseline.Logits.Data, masked.Logits.Data) < 1e-4);
        Assert.True(FloatTensor.MaxAbsDifference(baseline.Logits.Data, unmasked.Logits.Data) > 1e-3);
    }

    [Fact]
    public void NoCacheBranch_IsCausal()
    {
        using var decoder = new DecoderHarness(models.TinyDirectory, Spec);
        var encoderStates = EncoderStates(seed: 13);
        var a = decoder.RunWithoutCache([2, 50, 60], encoderStates, Ones());
        var b = decoder.RunWithoutCache([2, 50, 999], encoderStates, Ones());

        Assert.True(FloatTensor.MaxAbsDifference(a.Logits.Row(1), b.Logits.Row(1)) < 1e-5, "position 1 sees position 2");
        Assert.True(FloatTensor.MaxAbsDifference(a.Logits.Row(2), b.Logits.Row(2)) > 1e-3);
    }

    [Fact]
    public void CacheBranch_LogitsDependOnPastAndEncoderPresentsArePlaceholders()
    {
        using var decoder = new DecoderHarness(models.TinyDirectory, Spec);
        var encoderStates = EncoderStates(seed: 14);
        var first = decoder.RunWithoutCache([2], encoderStates, Ones());
        var pasts = decoder.NextPasts(first, first);
        var step = decoder.RunWithCache(0, encoderStates, Ones(), pasts);

        Assert.Equal([1L, 1, 51289], step.Logits.Shape);
        Assert.Equal([1L, 2, 2, 8], step.Outputs["present.0.decoder.key"].Shape);
        for (var layer = 0; layer < Spec.DecoderLayers; layer++)
        {
            Assert.Equal([0L, 2, 1, 8], step.Outputs[$"present.{layer}.encoder.key"].Shape);
            Assert.Equal([0L, 2, 1, 8], step.Outputs[$"present.{layer}.encoder.value"].Shape);
        }

        // A different self-attention past changes the logits…
        var alteredSelf = new Dictionary<string, FloatTensor>(pasts) { ["past_key_values.1.decoder.value"] = Perturbed(pasts["past_key_values.1.decoder.value"]) };
        Assert.True(FloatTensor.MaxAbsDifference(step.Logits.Data, decoder.RunWithCache(0, encoderStates, Ones(), alteredSelf).Logits.Data) > 1e-3);

        // …so does a different cross-attention past…
        var alteredCross = new Dictionary<string, FloatTensor>(pasts) { ["past_key_values.0.encoder.value"] = Perturbed(pasts["past_key_values.0.encoder.value"]) };
        Assert.True(FloatTensor.MaxAbsDifference(step.Logits.Data, decoder.RunWithCache(0, encoderStates, Ones(), alteredCross).Logits.Data) > 1e-3);

        // …while encoder_hidden_states are ignored in this branch (the cross cache is not recomputed).
        var ignored = decoder.RunWithCache(0, EncoderStates(seed: 99), Ones(), pasts);
        Assert.Equal(step.Logits.Data, ignored.Logits.Data);
    }

    [Fact]
    public void GreedyDecoding_CacheBranchMatchesFullRecomputation()
    {
        using var decoder = new DecoderHarness(models.TinyDirectory, Spec);
        var encoderStates = EncoderStates(seed: 15);
        var mask = Ones();
        mask[2] = 0; // padding in the middle of the encoder sequence must be honoured by both branches

        var tokens = new List<long> { DecoderHarness.DecoderStartTokenId };
        var first = decoder.RunWithoutCache([.. tokens], encoderStates, mask);
        var latest = first;
        tokens.Add(FloatTensor.ArgMax(first.LastLogits));

        for (var step = 1; step < 5; step++)
        {
            var cached = decoder.RunWithCache(tokens[^1], encoderStates, mask, decoder.NextPasts(latest, first));
            var recomputed = decoder.RunWithoutCache([.. tokens], encoderStates, mask);

            Assert.Equal(FloatTensor.ArgMax(recomputed.LastLogits), FloatTensor.ArgMax(cached.LastLogits));
            Assert.True(FloatTensor.MaxAbsDifference(recomputed.LastLogits, cached.LastLogits) < 1e-3, $"step {step}");
            Assert.Equal([1L, 2, tokens.Count, 8], cached.Outputs["present.0.decoder.key"].Shape);
            // The grown self-attention cache equals the full recomputation's cache.
            Assert.True(FloatTensor.MaxAbsDifference(recomputed.Outputs["present.1.decoder.value"].Data, cached.Outputs["present.1.decoder.value"].Data) < 1e-4);

            latest = cached;
            tokens.Add(FloatTensor.ArgMax(cached.LastLogits));
        }
    }

    private static long[] Ones() => Enumerable.Repeat(1L, EncoderLength).ToArray();

    private static FloatTensor EncoderStates(int seed) => FloatTensor.Random(new Random(seed), 1, EncoderLength, Spec.DModel);

    private static FloatTensor Perturbed(FloatTensor tensor)
    {
        var copy = tensor.DeepCopy();
        for (var i = 0; i < copy.Data.Length; i++) copy.Data[i] += 0.5f * MathF.Sin(i);
        return copy;
    }
}
