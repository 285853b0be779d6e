namespace Florence2.Fixtures.Onnx;

/// <summary>
/// SplitMix64 PRNG: tiny, fast, and identical on every platform and .NET version
/// (System.Random's algorithm is not guaranteed to be stable).
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [-1, 1) with 24 bits of resolution (a float's mantissa).</summary>
    public float NextSymmetric() => (Next() >> 40) * (2f / (1 << 24)) - 1f;
}
