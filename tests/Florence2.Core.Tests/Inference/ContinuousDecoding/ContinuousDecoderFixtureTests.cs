using Florence2.Fixtures;
using Florence2.Inference.ContinuousDecoding;
using Florence2.Tests.Fixtures;

namespace Florence2.Tests.Inference.ContinuousDecoding;

/// <summary>The rewritten fixture decoder: rows of different history lengths share one step and each gets what it would get alone.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class ContinuousDecoderFixtureTests(TinyModelsFixture models)
{
    [Fact]
    public void PositionsAtThePastLengthAndNoBias_GiveTheOriginalLogitsExactly()
    {
        var spec = FixtureModelSpec.Tiny;
        using var decoder = new DecoderHarness(models.TinyDirectory, spec);
        using var rewritten = FixtureBatchRow.Rewritten(models.TinyDirectory, spec);
        FixtureBatchRow[] rows =
        [
            FixtureBatchRow.Create(decoder, [2, 100, 7], nextToken: 33, seed: 1),
            FixtureBatchRow.Create(decoder, [2, 50, 60], nextToken: 44, seed: 2),
        ];

        var batched = FixtureBatchRow.RunBatch(decoder, rewritten, rows);
        var original = decoder.Run(
            FloatTensor.Stack([.. rows.Select(r => decoder.Embed(r.NextToken))]),
            FloatTensor.Stack([.. rows.Select(r => r.EncoderStates)]),
            Enumerable.Repeat(1L, 2 * FixtureBatchRow.EncoderLength).ToArray(),
            rows[0].Pasts.Keys.ToDictionary(name => name, name => FloatTensor.Stack([.. rows.Select(r => r.Pasts[name])])));

        Assert.Equal(original.Outputs.Keys.Order(), batched.Outputs.Keys.Order());
        Assert.Equal(original.Logits.Data, batched.Logits.Data);
        foreach (var (name, tensor) in original.Outputs)
        {
            // Bit-identical with ORT's graph optimizations off; on, it may fuse the rewritten graph differently (its
            // positions input has declared shapes), which moves a present value by an ulp at most.
            Assert.Equal(tensor.Shape, batched.Outputs[name].Shape);
            Assert.True(FloatTensor.MaxAbsDifference(tensor.Data, batched.Outputs[name].Data) < 1e-6, name);
        }
    }

    [Fact]
    public void RowWithAMaskedGap_GetsTheLogitsOfItsHistoryAlone() =>
        AssertMaskedGapRowMatchesItsHistoryAlone(models.TinyDirectory, variant: null, tolerance: 1e-5f);

    /// <summary>
    /// Weight variants are rewritten too: fp16 ones compute in float16 behind float32 inputs (the bias is cast like the
    /// scores; the past keys are read through the entry casts). Not the dynamically quantized int8/uint8/q8 files:
    /// they quantize activations with one scale per batch tensor, so no row of any batch equals that row alone.
    /// </summary>
    [Theory]
    [InlineData("fp16", 5e-3f)]
    [InlineData("q4f16", 5e-3f)]
    [InlineData("q4", 1e-5f)]
    [InlineData("bnb4", 1e-5f)]
    public void WeightVariant_RowWithAMaskedGap_GetsTheLogitsOfItsHistoryAlone(string variant, float tolerance) =>
        AssertMaskedGapRowMatchesItsHistoryAlone(TestModels.TinyWithVariants, variant, tolerance);

    private static void AssertMaskedGapRowMatchesItsHistoryAlone(string directory, string? variant, float tolerance)
    {
        var spec = FixtureModelSpec.Tiny;
        using var decoder = new DecoderHarness(directory, spec, variant);
        using var rewritten = FixtureBatchRow.Rewritten(directory, spec, variant);
        var joined = FixtureBatchRow.Create(decoder, [2, 100, 7], nextToken: 33, seed: 3);
        var running = FixtureBatchRow.Create(decoder, [2, 50, 60, 70, 80], nextToken: 90, seed: 4);

        var batched = FixtureBatchRow.RunBatch(decoder, rewritten, joined.PaddedTo(running.History, seed: 5), running);

        for (var row = 0; row < 2; row++)
        {
            var alone = new[] { joined, running }[row].RunAlone(decoder).LastLogits;
            var inBatch = batched.Logits.BatchItem(row).Data;
            Assert.True(FloatTensor.MaxAbsDifference(alone, inBatch) < tolerance, $"row {row} differs from its history alone");
            Assert.Equal(FloatTensor.ArgMax(alone), FloatTensor.ArgMax(inBatch));
        }
    }

    [Fact]
    public void ScriptedRowJoiningALongerCache_EmitsTheScriptAtItsOwnPosition()
    {
        var script = TinyModelsFixture.Script;
        var spec = FixtureModelSpec.Scripted(script);
        using var decoder = new DecoderHarness(models.ScriptedDirectory, spec);
        using var rewritten = FixtureBatchRow.Rewritten(models.ScriptedDirectory, spec);
        // Position p predicts script[p]: the joined row has fed only the start token, the running one four tokens.
        var joined = FixtureBatchRow.Create(decoder, [2], nextToken: script[0], seed: 6);
        var running = FixtureBatchRow.Create(decoder, [2, script[0], script[1], script[2]], nextToken: script[3], seed: 7);

        var batched = FixtureBatchRow.RunBatch(decoder, rewritten, joined.PaddedTo(running.History, seed: 8), running);

        Assert.Equal(script[1], FloatTensor.ArgMax(batched.Logits.BatchItem(0).Data));
        Assert.Equal(script[4], FloatTensor.ArgMax(batched.Logits.BatchItem(1).Data));
    }
}
