namespace Florence2.Fixtures;

/// <summary>
/// A plain CNN standing in for DaViT: a stem conv, then stages of 3×3 convs (ReLU after each);
/// every stage after the first starts with a stride-2 3×3 conv. Total stride must be 32 so that a
/// 768² image gives the real 24×24 grid.
/// </summary>
public sealed record VisionEncoderSpec
{
    public const int TotalStride = 32;

    public required int StemKernel { get; init; }
    public required int StemStride { get; init; }
    public required int StemPadding { get; init; }
    public required IReadOnlyList<int> StageChannels { get; init; }

    /// <summary>Extra stride-1 3×3 convs per stage (the stage's entry conv not counted).</summary>
    public required IReadOnlyList<int> StageDepths { get; init; }

    public int OutputChannels => StageChannels[^1];

    /// <summary>One 32×32/stride-32 patch conv: the cheapest encoder with the real token layout.</summary>
    public static VisionEncoderSpec SinglePatchConv(int channels) => new()
    {
        StemKernel = TotalStride,
        StemStride = TotalStride,
        StemPadding = 0,
        StageChannels = [channels],
        StageDepths = [0],
    };

    /// <summary>DaViT-base's channel plan and stage depths with 3×3 convs in place of attention blocks.</summary>
    public static VisionEncoderSpec DaVitBaseLike { get; } = new()
    {
        StemKernel = 7,
        StemStride = 4,
        StemPadding = 3,
        StageChannels = [128, 256, 512, 1024],
        StageDepths = [1, 1, 9, 1],
    };

    public void Validate()
    {
        if (StageChannels.Count == 0 || StageChannels.Count != StageDepths.Count)
            throw new ArgumentException("StageChannels and StageDepths must be non-empty and of equal length.");
        var stride = StemStride << (StageChannels.Count - 1);
        if (stride != TotalStride)
            throw new ArgumentException($"Stem stride × 2^(stages−1) must be {TotalStride}, got {stride}.");
    }
}
