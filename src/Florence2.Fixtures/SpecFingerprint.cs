using System.Security.Cryptography;
using System.Text;

namespace Florence2.Fixtures;

/// <summary>Content hash of a spec. Records compare lists by reference, so equality can't be used for caching.</summary>
internal static class SpecFingerprint
{
    /// <summary>Bump when the writer's output changes for an unchanged spec, so stale caches are not reused.</summary>
    private const int WriterFormatVersion = 5;

    public static string Compute(FixtureModelSpec spec)
    {
        var v = spec.Vision;
        var text = string.Join('|',
            $"v{WriterFormatVersion}", spec.Name, spec.Seed, spec.DModel, spec.EncoderLayers, spec.DecoderLayers,
            spec.EncoderAttentionHeads, spec.DecoderAttentionHeads, spec.EncoderFfnDim, spec.DecoderFfnDim,
            spec.MaxPositionEmbeddings, spec.VocabSize, spec.NumImageTokens,
            v.StemKernel, v.StemStride, v.StemPadding, string.Join(',', v.StageChannels), string.Join(',', v.StageDepths),
            spec.ScriptTokenIds is null ? "-" : string.Join(',', spec.ScriptTokenIds),
            string.Join(',', spec.Variants), spec.OpaquePositions, spec.FoldedPositionOffset);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }
}
