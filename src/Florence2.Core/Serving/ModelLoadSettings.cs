using Florence2.Batching;
using Florence2.Imaging;
using Florence2.Inference;
using Florence2.Inference.VisionCache;
using Florence2.Provisioning;

namespace Florence2.Serving;

/// <summary>Everything <see cref="Florence2Model.LoadAsync"/> needs to bring a model up behind a batching queue.</summary>
public sealed record ModelLoadSettings
{
    /// <summary>A local model folder; when null or blank, <see cref="Source"/> is downloaded into the cache.</summary>
    public string? LocalPath { get; init; }

    /// <summary>The hub repository, revision, cache and precision (<c>Dtype</c>, used for local folders too).</summary>
    public ModelSourceOptions Source { get; init; } = new();

    /// <summary>Name reported with each answer; defaults to the folder name (or the repository name when downloaded).</summary>
    public string? Id { get; init; }

    public InferenceOptions Inference { get; init; } = new();

    public BatchingOptions Batching { get; init; } = new();

    /// <summary>The vision-feature cache's size (0 MB turns it off).</summary>
    public CacheOptions Cache { get; init; } = new();

    /// <summary>Instruments the vision-feature cache counts on; null counts nowhere but its own statistics.</summary>
    public VisionCacheMetrics? VisionCacheMetrics { get; init; }

    public ImageDecodingOptions Images { get; init; } = new();

    /// <summary>Run each task family at batch 1 and at the max batch size before the model is handed out.</summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>Wraps each instance's executor before the batcher uses it (the seam tests use to hold a worker).</summary>
    public Func<IBatchExecutor, IBatchExecutor>? WrapExecutor { get; init; }
}

/// <summary>Where <see cref="Florence2Model.LoadAsync"/> is, for callers that report it (readiness).</summary>
public enum ModelLoadStage
{
    Loading,
    WarmingUp,
}
