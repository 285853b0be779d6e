using Florence2.Fixtures.Onnx;

namespace Florence2.Fixtures.Graphs;

/// <summary>
/// Fixed routing of the decoder's cross-attention heads, added to the scores as a [B, H, n, S] bias. The encoder
/// sequence is [577 image tokens; prompt tokens]. Even heads are image heads: they see only the image tokens, and
/// attend to them by content. Odd heads are prompt heads: at decoder position p they read exactly one prompt token,
/// counting back from the prompt's last real token, cyclically: L−1−(p mod L) for a prompt of L tokens.
/// </summary>
/// <remarks>
/// Why: a random model has no learnt reason to look at the prompt, which is ~2 % of the encoder sequence; left to
/// content scores, prompt heads keep picking the same template tokens and a changed word or region is never read.
/// Reading one token per step makes every prompt token decide at least one step's input. Backwards, because every
/// Florence-2 template ends with (or a few tokens after) its user input — the text or the region's four loc tokens —
/// so the input is read within the first few generated tokens. Cyclic, so a long prompt is read again and again and
/// the target never points at padding (rows are right-padded; each row's L comes from its own attention mask).
/// </remarks>
internal static class CrossAttentionRouting
{
    /// <param name="queryPositions">[B, n] int64: each row's decoder position of each query.</param>
    public static string Bias(GraphBuilder g, FixtureModelSpec spec, string queryPositions)
    {
        var mask = TensorNames.EncoderAttentionMask;
        var imageTokens = g.ScalarInt64(spec.NumImageTokens);
        var masked = g.ScalarFloat(TransformerBlocks.MaskedScore);
        var allowed = g.ScalarFloat(0f);

        var keyPositions = g.Range(g.ScalarInt64(0), g.DimSize(mask, 1), g.ScalarInt64(1));
        var keyIsPrompt = g.Greater(keyPositions, g.ScalarInt64(spec.NumImageTokens - 1));       // [S]
        var imageHeadBias = g.Where(keyIsPrompt, masked, allowed);                                 // [S]

        var promptIndex = g.Sub(keyPositions, imageTokens);                                        // [S], < 0 on image keys
        var promptLength = g.Sub(g.ReduceSum(mask, 1), imageTokens);                               // [B, 1]
        var cycle = g.Mod(queryPositions, promptLength);                                           // [B, n]
        var readIndex = g.Sub(g.Sub(promptLength, g.ScalarInt64(1)), cycle);                       // [B, n]
        var isRead = g.Equal(promptIndex, g.Unsqueeze(readIndex, 1, 3));                           // [B, 1, n, S]
        var promptHeadBias = g.Where(isRead, allowed, masked);

        var readsPrompt = new long[spec.DecoderAttentionHeads];
        for (var head = 0; head < readsPrompt.Length; head++) readsPrompt[head] = head % 2;
        var headReadsPrompt = g.Cast(g.Reshape(g.NamedInt64s("cross_attention_head_reads_prompt", readsPrompt),
            g.Int64s(1, readsPrompt.Length, 1, 1)), ElementType.Bool);                              // [1, H, 1, 1]
        return g.Where(headReadsPrompt, promptHeadBias, imageHeadBias);                            // [B, H, n, S]
    }
}
