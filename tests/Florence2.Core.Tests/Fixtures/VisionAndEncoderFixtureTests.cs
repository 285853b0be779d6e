using Florence2.Fixtures;

namespace Florence2.Tests.Fixtures;

/// <summary>The vision encoder and text encoder compute something that depends on their inputs the way the real ones do.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class VisionAndEncoderFixtureTests(TinyModelsFixture models)
{
    private const int D = 16;

    [Fact]
    public void VisionEncoder_OutputHas577TokensAndDependsOnPixels()
    {
        using var vision = new OrtModel(TinyModelsFixture.ModelPath(models.TinyDirectory, FixtureModelWriter.VisionEncoderFile));
        var pixels = FloatTensor.Random(new Random(1), 1, 3, 768, 768);
        var first = RunVision(vision, pixels);

        Assert.Equal([1L, 577, D], first.Shape);
        Assert.All(first.Data, value => Assert.True(float.IsFinite(value)));

        // Change one 32×32 patch: the grid token of that patch and the pooled token 0 must change.
        var changed = pixels.DeepCopy();
        for (var y = 0; y < 32; y++)
            for (var x = 0; x < 32; x++)
                changed.Data[y * 768 + x] += 1f;
        var second = RunVision(vision, changed);

        Assert.True(FloatTensor.MaxAbsDifference(first.Row(0), second.Row(0)) > 1e-4, "pooled token ignores the pixels");
        Assert.True(FloatTensor.MaxAbsDifference(first.Row(1), second.Row(1)) > 1e-4, "grid token (0,0) ignores its patch");
        Assert.True(FloatTensor.MaxAbsDifference(first.Row(576), second.Row(576)) < 1e-6, "grid token (23,23) depends on patch (0,0)");
    }

    [Fact]
    public void Encoder_OutputDependsOnImageAndPromptRows()
    {
        using var encoder = Encoder();
        var embeds = FloatTensor.Random(new Random(2), 1, 600, D);
        var mask = Ones(600);
        var baseline = RunEncoder(encoder, embeds, mask);

        foreach (var row in new[] { 3, 590 }) // an image-feature row and a prompt row
        {
            var changed = embeds.DeepCopy();
            changed.Data[row * D] += 1f;
            var output = RunEncoder(encoder, changed, mask);
            // Self-attention spreads the change: a far-away row must move too, not just the edited one.
            var other = row == 3 ? 590 : 3;
            Assert.True(FloatTensor.MaxAbsDifference(baseline.Row(row), output.Row(row)) > 1e-4);
            Assert.True(FloatTensor.MaxAbsDifference(baseline.Row(other), output.Row(other)) > 1e-7,
                $"row {other} does not attend to row {row}");
        }
    }

    [Fact]
    public void Encoder_MaskedPositionsDoNotAffectUnmaskedOutputs()
    {
        using var encoder = Encoder();
        const int length = 20, padded = 15; // last 5 positions are padding
        var embeds = FloatTensor.Random(new Random(3), 1, length, D);
        var mask = Ones(length);
        for (var i = padded; i < length; i++) mask[i] = 0;
        var baseline = RunEncoder(encoder, embeds, mask);

        var changed = embeds.DeepCopy();
        // Not a constant shift: layernorm_embedding would cancel that.
        for (var i = padded * D; i < length * D; i++) changed.Data[i] += 3f * MathF.Sin(i);
        var output = RunEncoder(encoder, changed, mask);

        for (var row = 0; row < padded; row++)
            Assert.True(FloatTensor.MaxAbsDifference(baseline.Row(row), output.Row(row)) < 1e-5, $"row {row} sees padding");

        // Control: without the mask the same change must be visible, so the check above is not vacuous.
        var unmaskedBaseline = RunEncoder(encoder, embeds, Ones(length));
        var unmaskedChanged = RunEncoder(encoder, changed, Ones(length));
        Assert.True(FloatTensor.MaxAbsDifference(unmaskedBaseline.Row(0), unmaskedChanged.Row(0)) > 1e-4);
    }

    private OrtModel Encoder() => new(TinyModelsFixture.ModelPath(models.TinyDirectory, FixtureModelWriter.EncoderFile));

    private static long[] Ones(int length) => Enumerable.Repeat(1L, length).ToArray();

    private static FloatTensor RunVision(OrtModel vision, FloatTensor pixels)
    {
        using var inputs = new OrtInputs().Float("pixel_values", pixels);
        return vision.Run(inputs)["image_features"];
    }

    private static FloatTensor RunEncoder(OrtModel encoder, FloatTensor embeds, long[] mask)
    {
        using var inputs = new OrtInputs().Float("inputs_embeds", embeds).Int64("attention_mask", mask, 1, mask.Length);
        return encoder.Run(inputs)["last_hidden_state"];
    }
}
