namespace Florence2.Fixtures.Graphs;

/// <summary>Graph input/output names of the onnx-community Florence-2 export (optimum conventions).</summary>
internal static class TensorNames
{
    public const string PixelValues = "pixel_values";
    public const string ImageFeatures = "image_features";
    public const string InputIds = "input_ids";
    public const string InputsEmbeds = "inputs_embeds";
    public const string AttentionMask = "attention_mask";
    public const string LastHiddenState = "last_hidden_state";
    public const string EncoderHiddenStates = "encoder_hidden_states";
    public const string EncoderAttentionMask = "encoder_attention_mask";
    public const string UseCacheBranch = "use_cache_branch";
    public const string Logits = "logits";

    /// <summary>Token-embedding table, shared (tied) by embed_tokens and the decoder's LM head.</summary>
    public const string SharedEmbedding = "model.shared.weight";

    /// <summary>kind: "decoder" (self-attention) or "encoder" (cross-attention); part: "key" or "value".</summary>
    public static string Past(int layer, string kind, string part) => $"past_key_values.{layer}.{kind}.{part}";

    public static string Present(int layer, string kind, string part) => $"present.{layer}.{kind}.{part}";
}
