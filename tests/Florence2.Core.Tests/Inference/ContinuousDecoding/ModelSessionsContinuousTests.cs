using Florence2.Fixtures;
using Florence2.Inference;
using Florence2.Inference.ContinuousDecoding;
using Florence2.Models;
using Florence2.Tests.Fixtures;
using Microsoft.ML.OnnxRuntime;

namespace Florence2.Tests.Inference.ContinuousDecoding;

/// <summary>ModelSessions.Load with the continuous-batching rewrite requested: rewritten when it can be, the file as it is otherwise.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class ModelSessionsContinuousTests(TinyModelsFixture models)
{
    [Fact]
    public void Tiny_LoadsTheRewrittenDecoder_WhoseNoPastStepIgnoresTheNewInputs()
    {
        using var sessions = ModelSessions.Load(ModelFolder.Open(models.TinyDirectory), () => new SessionOptions(), rewriteForContinuousBatching: true);

        Assert.True(sessions.ContinuousDecoding);
        Assert.Null(sessions.ContinuousDecodingUnavailable);
        Assert.Contains(ContinuousDecoderInputs.PositionIds, sessions.Decoder.InputMetadata.Keys);
        Assert.Contains(ContinuousDecoderInputs.SelfAttentionBias, sessions.Decoder.InputMetadata.Keys);
        using var decoder = new DecoderHarness(models.TinyDirectory, FixtureModelSpec.Tiny);
        Assert.Equal(FirstStep(decoder, decoder.Decoder.Session).Data, FirstStep(decoder, sessions.Decoder, continuousInputs: true).Data);
    }

    [Fact]
    public void NotRequested_LoadsTheFileAsItIs()
    {
        using var sessions = ModelSessions.Load(ModelFolder.Open(models.TinyDirectory), () => new SessionOptions(), rewriteForContinuousBatching: false);

        Assert.False(sessions.ContinuousDecoding);
        Assert.Null(sessions.ContinuousDecodingUnavailable);
        Assert.DoesNotContain(ContinuousDecoderInputs.PositionIds, sessions.Decoder.InputMetadata.Keys);
    }

    [Fact]
    public void DecoderTheRewriteCannotHandle_LoadsAsItIs_SaysWhy_AndAnswers()
    {
        var directory = TestModels.TinyOpaquePositions;
        using var sessions = ModelSessions.Load(ModelFolder.Open(directory), () => new SessionOptions(), rewriteForContinuousBatching: true);

        Assert.False(sessions.ContinuousDecoding);
        Assert.Contains("no Gather reads a [max_position_embeddings+2, d_model] table", sessions.ContinuousDecodingUnavailable);
        Assert.DoesNotContain(ContinuousDecoderInputs.PositionIds, sessions.Decoder.InputMetadata.Keys);
        using var decoder = new DecoderHarness(directory, FixtureModelSpec.Tiny with { OpaquePositions = true });
        var logits = FirstStep(decoder, sessions.Decoder);
        Assert.Equal([1L, 1, FixtureModelSpec.FlorenceVocabSize], logits.Shape);
        Assert.All(logits.Data, value => Assert.True(float.IsFinite(value)));
    }

    [Fact]
    public void DecoderFileDeclaringTheNewInputs_IsRefusedWhenNotLoadedAsTheRewrite()
    {
        // Only a decoder the engine rewrote itself may have inputs beyond the export's.
        var directory = Path.Combine(models.Root, "tiny-rewritten-on-disk");
        FixtureModelWriter.Write(FixtureModelSpec.Tiny, directory);
        File.WriteAllBytes(TinyModelsFixture.ModelPath(directory, FixtureModelWriter.DecoderMergedFile),
            FixtureBatchRow.RewrittenBytes(models.TinyDirectory, FixtureModelSpec.Tiny));

        var refused = Assert.Throws<ModelLoadException>(() => ModelSessions.Load(ModelFolder.Open(directory), () => new SessionOptions()));
        Assert.Contains("which this engine does not feed", refused.Message);
    }

    /// <summary>Logits of a no-past step on the start token; a rewritten decoder gets the [1, 1] zeros callers feed it then.</summary>
    private static FloatTensor FirstStep(DecoderHarness decoder, InferenceSession session, bool continuousInputs = false)
    {
        var states = FloatTensor.Random(new Random(9), 1, FixtureBatchRow.EncoderLength, decoder.Spec.DModel);
        var mask = Enumerable.Repeat(1L, FixtureBatchRow.EncoderLength).ToArray();
        return decoder.Run(session, decoder.Embed(DecoderHarness.DecoderStartTokenId), states, mask, pasts: null, inputs =>
        {
            if (!continuousInputs) return;
            inputs.Int64(ContinuousDecoderInputs.PositionIds, [0], 1, 1)
                .Float(ContinuousDecoderInputs.SelfAttentionBias, new FloatTensor([0f], [1, 1]));
        }).Logits;
    }
}
