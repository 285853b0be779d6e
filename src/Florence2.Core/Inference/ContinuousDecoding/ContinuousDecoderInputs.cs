namespace Florence2.Inference.ContinuousDecoding;

/// <summary>
/// The two inputs the continuous-batching rewrite adds to the merged decoder (see <see cref="ContinuousDecoderRewrite"/>).
/// Only the with-past branch reads them; on a <c>use_cache_branch = false</c> step the caller still feeds them
/// (<c>[batch, 1]</c> zeros) and they are ignored.
/// </summary>
public static class ContinuousDecoderInputs
{
    /// <summary>
    /// int64 <c>[batch, decoder_sequence_length]</c>: the absolute 0-based position of each fed token of each row.
    /// BART's +2 offset into the position table is applied inside the graph, as before the rewrite.
    /// </summary>
    public const string PositionIds = "florence2_position_ids";

    /// <summary>
    /// float <c>[batch, past_decoder_sequence_length + decoder_sequence_length]</c>: added to every self-attention's
    /// scores right before its Softmax, broadcast over heads and query positions; 0 = attend, −1e9 = ignore (the gap
    /// between a row's shorter history and the shared cache length).
    /// </summary>
    public const string SelfAttentionBias = "florence2_self_attention_bias";
}
