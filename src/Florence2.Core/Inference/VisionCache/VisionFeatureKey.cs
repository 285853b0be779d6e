using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Florence2.Inference.VisionCache;

/// <summary>
/// What identifies a vision-encoder output: SHA-256 over the model's identity and the exact float pixels fed to the
/// encoder (after resizing and normalization). A cryptographic hash, so two different images never share an entry
/// in practice, and one cache can safely serve several models.
/// </summary>
public readonly record struct VisionFeatureKey(Int128 High, Int128 Low)
{
    /// <summary>The key of <paramref name="pixels"/> as fed to the encoder of the model named <paramref name="modelIdentity"/>.</summary>
    public static VisionFeatureKey Of(string modelIdentity, ReadOnlySpan<float> pixels)
    {
        ArgumentNullException.ThrowIfNull(modelIdentity);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(modelIdentity));
        hash.AppendData([0]); // separates the identity from the pixels
        hash.AppendData(MemoryMarshal.AsBytes(pixels));
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        var halves = MemoryMarshal.Cast<byte, Int128>(digest);
        return new VisionFeatureKey(halves[0], halves[1]);
    }
}
