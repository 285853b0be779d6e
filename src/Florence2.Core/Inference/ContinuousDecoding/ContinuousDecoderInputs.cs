namespace Florence2.Inference.ContinuousDecoding;

/// <summary>STUB until the rewrite branch lands (its file replaces this one).</summary>
public static class ContinuousDecoderInputs
{
    public const string PositionIds = "florence2_position_ids";
    public const string SelfAttentionBias = "florence2_self_attention_bias";
}
