namespace Florence2.Tasks;

/// <summary>How dequantized coordinates are computed and reported (spec §10.1, §10.9 item 1, §15.1).</summary>
public enum CoordinateFormat
{
    /// <summary>
    /// Microsoft's processor, bit for bit: <c>f32(f32(q + 0.5) × f32(size / 1000))</c>, reported as the double of that float
    /// (e.g. 167.0435028076172). The default.
    /// </summary>
    Float32Reference = 0,

    /// <summary><c>(q + 0.5) × size / 1000</c> in double precision, like transformers.js (e.g. 167.04350000000002).</summary>
    Float64,

    /// <summary>
    /// Native Hugging Face transformers (≥ 4.56): the float32 value truncated toward zero to an integer (e.g. 167).
    /// </summary>
    TruncatedInteger,
}
