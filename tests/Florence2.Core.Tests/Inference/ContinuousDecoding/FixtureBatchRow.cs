using Florence2.Fixtures;
using Florence2.Fixtures.Quantization;
using Florence2.Inference.ContinuousDecoding;
using Florence2.Tests.Fixtures;
using Google.Protobuf;
using Onnx;

namespace Florence2.Tests.Inference.ContinuousDecoding;

/// <summary>
/// One row of a continuous batch on a fixture decoder: the caches of its history (<see cref="History"/> tokens, run
/// through the no-cache branch), the token it feeds next, and how many noise entries pad its cache on the left so it
/// matches the batch's shared cache length.
/// </summary>
public sealed record FixtureBatchRow(IReadOnlyDictionary<string, FloatTensor> Pasts, FloatTensor EncoderStates, int History, long NextToken, int Gap = 0)
{
    /// <summary>
    /// The image tokens and a 5-token prompt: the fixture's prompt heads read prompt token L−1−(p mod L) at decoder
    /// position p, so with a prompt the cross-attention depends on each row's own position too.
    /// </summary>
    public const int EncoderLength = FixtureModelSpec.FlorenceImageTokens + 5;

    public static FixtureBatchRow Create(DecoderHarness decoder, long[] history, long nextToken, int seed)
    {
        var states = FloatTensor.Random(new Random(seed), 1, EncoderLength, decoder.Spec.DModel);
        var prefix = decoder.RunWithoutCache(history, states, Ones(1));
        return new FixtureBatchRow(decoder.NextPasts(prefix, prefix), states, history.Length, nextToken);
    }

    /// <summary>This row with its self-attention cache left-padded to <paramref name="sharedLength"/> entries of noise.</summary>
    public FixtureBatchRow PaddedTo(int sharedLength, int seed)
    {
        int gap = sharedLength - History;
        var padded = Pasts.ToDictionary(p => p.Key, p => p.Key.Contains(".decoder.", StringComparison.Ordinal) ? PastAxis.PadLeft(p.Value, gap, seed++) : p.Value);
        return this with { Pasts = padded, Gap = gap };
    }

    /// <summary>The row alone on the decoder file as it is: the reference a batched row must match.</summary>
    public DecoderStep RunAlone(DecoderHarness decoder) => decoder.RunWithCache(NextToken, EncoderStates, Ones(1), Pasts);

    /// <summary>The rows as one batch (equal cache lengths), each at its own position with its gap masked.</summary>
    public static DecoderStep RunBatch(DecoderHarness decoder, OrtModel rewritten, params FixtureBatchRow[] rows)
    {
        int keys = rows[0].History + rows[0].Gap + 1;
        var pasts = rows[0].Pasts.Keys.ToDictionary(name => name, name => FloatTensor.Stack([.. rows.Select(r => r.Pasts[name])]));
        return decoder.Run(rewritten.Session,
            FloatTensor.Stack([.. rows.Select(r => decoder.Embed(r.NextToken))]),
            FloatTensor.Stack([.. rows.Select(r => r.EncoderStates)]),
            Ones(rows.Length),
            pasts,
            inputs => inputs
                .Int64(ContinuousDecoderInputs.PositionIds, [.. rows.Select(r => (long)r.History)], rows.Length, 1)
                .Float(ContinuousDecoderInputs.SelfAttentionBias, new FloatTensor([.. rows.SelectMany(r => PastAxis.GapBias(r.Gap, keys))], [rows.Length, keys])));
    }

    /// <summary>The fixture's decoder file (or its weight <paramref name="variant"/>) rewritten in memory, as the engine rewrites it.</summary>
    public static OrtModel Rewritten(string modelDirectory, FixtureModelSpec spec, string? variant = null) =>
        new(RewrittenBytes(modelDirectory, spec, variant));

    public static byte[] RewrittenBytes(string modelDirectory, FixtureModelSpec spec, string? variant = null)
    {
        var file = variant is null ? FixtureModelWriter.DecoderMergedFile : WeightVariants.FileName("decoder_model_merged", variant);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TinyModelsFixture.ModelPath(modelDirectory, file)));
        Assert.True(ContinuousDecoderRewrite.TryRewrite(model, spec.DecoderLayers, out var reason), reason);
        return model.ToByteArray();
    }

    private static long[] Ones(int rows) => Enumerable.Repeat(1L, rows * EncoderLength).ToArray();
}
