namespace Florence2.Inference;

/// <summary>Tensor names of the merged decoder (optimum's conventions, spec §2.2).</summary>
internal sealed class DecoderTensorNames
{
    public const string InputsEmbeds = "inputs_embeds";
    public const string EncoderHiddenStates = "encoder_hidden_states";
    public const string EncoderAttentionMask = "encoder_attention_mask";
    public const string UseCacheBranch = "use_cache_branch";
    public const string Logits = "logits";

    public DecoderTensorNames(int layers)
    {
        Layers = layers;
        PastDecoder = new string[layers * 2];
        PastEncoder = new string[layers * 2];
        PresentDecoder = new string[layers * 2];
        PresentEncoder = new string[layers * 2];
        for (int i = 0; i < layers; i++)
        {
            PastDecoder[2 * i] = $"past_key_values.{i}.decoder.key";
            PastDecoder[2 * i + 1] = $"past_key_values.{i}.decoder.value";
            PastEncoder[2 * i] = $"past_key_values.{i}.encoder.key";
            PastEncoder[2 * i + 1] = $"past_key_values.{i}.encoder.value";
            PresentDecoder[2 * i] = $"present.{i}.decoder.key";
            PresentDecoder[2 * i + 1] = $"present.{i}.decoder.value";
            PresentEncoder[2 * i] = $"present.{i}.encoder.key";
            PresentEncoder[2 * i + 1] = $"present.{i}.encoder.value";
        }
    }

    public int Layers { get; }

    /// <summary>Self-attention cache inputs, key then value per layer.</summary>
    public string[] PastDecoder { get; }

    /// <summary>Cross-attention cache inputs, key then value per layer.</summary>
    public string[] PastEncoder { get; }

    public string[] PresentDecoder { get; }
    public string[] PresentEncoder { get; }
}
