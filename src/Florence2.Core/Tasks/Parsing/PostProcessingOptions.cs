namespace Florence2.Tasks;

/// <summary>
/// Where the reference implementations disagree (spec §10.9, §15), which behaviour to follow. The defaults give Microsoft's
/// processor's output except for its one plain bug, the <c>&lt;/s&gt;</c> stuck to the first OCR line.
/// </summary>
public sealed record PostProcessingOptions
{
    /// <summary>Defaults: first OCR label without <c>&lt;/s&gt;</c>, float32 reference coordinates.</summary>
    public static PostProcessingOptions Default { get; } = new();

    /// <summary>Bit-for-bit Microsoft processor output, including <c>'&lt;/s&gt;CUDA'</c>.</summary>
    public static PostProcessingOptions PythonReference { get; } = new() { KeepEosInFirstOcrLabel = true };

    /// <summary>
    /// True: keep the <c>&lt;/s&gt;</c> that Microsoft's processor leaves at the start of the first OCR_WITH_REGION label
    /// (<c>'&lt;/s&gt;CUDA'</c>). False (default): cut that one leading <c>&lt;/s&gt;</c> after matching, giving
    /// <c>'CUDA'</c> like transformers.js, without losing a quad when the first line is empty (§15.3).
    /// </summary>
    public bool KeepEosInFirstOcrLabel { get; init; }

    /// <summary>
    /// How coordinates are computed. Default <see cref="CoordinateFormat.Float32Reference"/> (Microsoft's processor, bit
    /// for bit); <see cref="CoordinateFormat.TruncatedInteger"/> reproduces native transformers.
    /// </summary>
    public CoordinateFormat Coordinates { get; init; } = CoordinateFormat.Float32Reference;
}
