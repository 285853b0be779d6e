using Florence2.Fixtures;
using Florence2.Fixtures.Quantization;
using Microsoft.ML.OnnxRuntime;

namespace Florence2.Tests.Fixtures;

/// <summary>Drives embed_tokens + decoder_model_merged the way the engine will (optimum/transformers.js protocol).</summary>
public sealed class DecoderHarness : IDisposable
{
    public const long DecoderStartTokenId = 2;

    private readonly OrtModel _embed;

    /// <param name="variant">A weight variant (<c>q4</c>, …) of both files; null for fp32.</param>
    public DecoderHarness(string modelDirectory, FixtureModelSpec spec, string? variant = null)
    {
        Spec = spec;
        _embed = new OrtModel(TinyModelsFixture.ModelPath(modelDirectory, FileOf("embed_tokens", variant)));
        Decoder = new OrtModel(TinyModelsFixture.ModelPath(modelDirectory, FileOf("decoder_model_merged", variant)));
    }

    private static string FileOf(string baseName, string? variant) =>
        variant is null ? baseName + ".onnx" : WeightVariants.FileName(baseName, variant);

    public FixtureModelSpec Spec { get; }
    public OrtModel Decoder { get; }

    public FloatTensor Embed(params long[] ids)
    {
        using var inputs = new OrtInputs().Int64("input_ids", ids, 1, ids.Length);
        return _embed.Run(inputs)["inputs_embeds"];
    }

    /// <summary>use_cache_branch = false with empty pasts, over all of <paramref name="ids"/> (batch 1).</summary>
    public DecoderStep RunWithoutCache(long[] ids, FloatTensor encoderStates, long[] encoderMask) =>
        Run(Embed(ids), encoderStates, encoderMask, pasts: null);

    /// <summary>use_cache_branch = true for new tokens <paramref name="ids"/> (batch 1), with explicit past tensors.</summary>
    public DecoderStep RunWithCache(long[] ids, FloatTensor encoderStates, long[] encoderMask, IReadOnlyDictionary<string, FloatTensor> pasts) =>
        Run(Embed(ids), encoderStates, encoderMask, pasts);

    public DecoderStep RunWithCache(long id, FloatTensor encoderStates, long[] encoderMask, IReadOnlyDictionary<string, FloatTensor> pasts) =>
        RunWithCache([id], encoderStates, encoderMask, pasts);

    /// <summary>
    /// Any batch size: <paramref name="encoderMask"/> is [batch, S] flattened. Null <paramref name="pasts"/> selects
    /// the no-cache branch with empty [batch, H, 0, hd] pasts, as transformers.js does on the first step.
    /// </summary>
    public DecoderStep Run(FloatTensor embeds, FloatTensor encoderStates, long[] encoderMask, IReadOnlyDictionary<string, FloatTensor>? pasts) =>
        Run(Decoder.Session, embeds, encoderStates, encoderMask, pasts, _ => { });

    /// <summary>
    /// As <see cref="Run(FloatTensor, FloatTensor, long[], IReadOnlyDictionary{string, FloatTensor}?)"/>, on
    /// <paramref name="decoder"/> (this harness's decoder file or a rewrite of it, loaded by any session), with the
    /// inputs a rewrite added supplied by <paramref name="addInputs"/>.
    /// </summary>
    public DecoderStep Run(InferenceSession decoder, FloatTensor embeds, FloatTensor encoderStates, long[] encoderMask,
        IReadOnlyDictionary<string, FloatTensor>? pasts, Action<OrtInputs> addInputs)
    {
        var batch = embeds.Shape[0];
        using var inputs = new OrtInputs()
            .Float("inputs_embeds", embeds)
            .Float("encoder_hidden_states", encoderStates)
            .Int64("encoder_attention_mask", encoderMask, batch, encoderMask.Length / batch)
            .Bool("use_cache_branch", pasts is not null);
        foreach (var name in PastNames())
        {
            if (pasts is null) inputs.EmptyFloat(name, batch, Spec.DecoderAttentionHeads, 0, Spec.DecoderHeadDim);
            else inputs.Float(name, pasts[name]);
        }
        addInputs(inputs);
        return new DecoderStep(OrtModel.Run(decoder, inputs));
    }

    /// <summary>Pasts for the next cached step: self-attention cache from the latest step, cross-attention cache from step 0.</summary>
    public IReadOnlyDictionary<string, FloatTensor> NextPasts(DecoderStep latest, DecoderStep first)
    {
        var pasts = new Dictionary<string, FloatTensor>();
        for (var layer = 0; layer < Spec.DecoderLayers; layer++)
        {
            foreach (var part in new[] { "key", "value" })
            {
                pasts[$"past_key_values.{layer}.decoder.{part}"] = latest.Outputs[$"present.{layer}.decoder.{part}"];
                pasts[$"past_key_values.{layer}.encoder.{part}"] = first.Outputs[$"present.{layer}.encoder.{part}"];
            }
        }
        return pasts;
    }

    public IEnumerable<string> PastNames()
    {
        for (var layer = 0; layer < Spec.DecoderLayers; layer++)
        {
            yield return $"past_key_values.{layer}.decoder.key";
            yield return $"past_key_values.{layer}.decoder.value";
            yield return $"past_key_values.{layer}.encoder.key";
            yield return $"past_key_values.{layer}.encoder.value";
        }
    }

    public void Dispose()
    {
        _embed.Dispose();
        Decoder.Dispose();
    }
}

/// <summary>All outputs of one decoder run.</summary>
public sealed record DecoderStep(IReadOnlyDictionary<string, FloatTensor> Outputs)
{
    public FloatTensor Logits => Outputs["logits"];

    /// <summary>Logits of the last decoder position (batch 1).</summary>
    public float[] LastLogits => Logits.Row((int)Logits.Shape[1] - 1);
}
