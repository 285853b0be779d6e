namespace Florence2.Inference.VisionCache;

/// <summary>Caches shared by a model's instances (bound from the configuration section <see cref="SectionName"/>).</summary>
public sealed class CacheOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Florence2:Cache";

    /// <summary>Largest value accepted for <see cref="VisionFeaturesMb"/> (1 TiB): anything larger is a typo.</summary>
    public const int MaxVisionFeaturesMb = 1 << 20;

    /// <summary>
    /// Megabytes of vision-encoder outputs kept for images seen again (least recently used leave first). One image
    /// costs image tokens × hidden size × 4 bytes: 1.8 MB for base (577 × 768), 2.4 MB for large (577 × 1024).
    /// Default 256 (about 140 base images); 0 turns the cache off.
    /// </summary>
    public int VisionFeaturesMb { get; set; } = 256;

    /// <summary>The cache's budget in bytes.</summary>
    public long VisionFeaturesBytes => VisionFeaturesMb * 1024L * 1024L;

    /// <summary>Returns one message per invalid setting; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate() =>
        VisionFeaturesMb is < 0 or > MaxVisionFeaturesMb
            ? [$"{nameof(VisionFeaturesMb)} must be between 0 (off) and {MaxVisionFeaturesMb} (was {VisionFeaturesMb})."]
            : [];
}
