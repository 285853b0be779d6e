using Florence2.Batching;
using Florence2.Imaging;
using Florence2.Inference;
using Florence2.Models;
using Florence2.Tokenization;

namespace Florence2.Service.Runtime;

/// <summary>
/// The loaded model as the endpoints see it: the engine pool behind the batching queue, the tokenizer and image
/// preprocessor, and the readiness state. Created empty at start; <see cref="ModelLifecycle"/> fills it.
/// </summary>
public sealed class ModelRuntime
{
    private volatile ModelState _state = ModelState.Loading;
    private Loaded? _loaded;

    public ModelState State => _state;

    public bool IsReady => _state == ModelState.Ready;

    /// <summary>True once the model parts exist (also while draining).</summary>
    public bool IsLoaded => _loaded is not null;

    /// <summary>Why the model failed to load, when it did.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>The loaded parts; only valid while <see cref="State"/> is Ready or Draining.</summary>
    public Loaded Parts => _loaded ?? throw new InvalidOperationException("The model is not loaded.");

    internal void SetLoaded(Loaded loaded)
    {
        _loaded = loaded;
    }

    internal void SetState(ModelState state) => _state = state;

    internal void SetFailed(string reason)
    {
        FailureReason = reason;
        _state = ModelState.Failed;
    }

    /// <summary>Everything a request needs once the model is up.</summary>
    public sealed record Loaded(
        ModelFolder Folder,
        string ModelId,
        Florence2EnginePool Pool,
        DynamicBatcher Batcher,
        Florence2Tokenizer Tokenizer,
        ImagePreprocessor Images,
        SafeImageDecoder Decoder)
    {
        public ModelDimensions Dimensions => Pool.Primary.Dimensions;
        public string Provider => Pool.Primary.Provider.Name;
        public string Dtype => Folder.Precision.ToString();
    }
}
