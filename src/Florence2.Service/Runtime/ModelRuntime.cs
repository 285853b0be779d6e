using Florence2.Serving;

namespace Florence2.Service.Runtime;

/// <summary>
/// The served model as the endpoints see it: where it is in its life, and the model itself once loaded. Created empty
/// at start; <see cref="ModelLifecycle"/> moves it along.
/// </summary>
public sealed class ModelRuntime
{
    private volatile ModelState _state = ModelState.Loading;
    private volatile Florence2Model? _model;

    public ModelState State => _state;

    public bool IsReady => _state == ModelState.Ready;

    /// <summary>Why the model failed to load, when it did.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>The loaded model, also while draining; null before it has loaded or after a failure.</summary>
    public Florence2Model? Model => _model;

    /// <summary>The model, when it takes new work.</summary>
    /// <exception cref="ModelNotServingException">Loading, warming up, draining, stopped or failed.</exception>
    public Florence2Model RequireServing() =>
        _state == ModelState.Ready && _model is { } model ? model : throw new ModelNotServingException(_state);

    internal void SetLoaded(Florence2Model model) => _model = model;

    internal void SetState(ModelState state) => _state = state;

    internal void SetFailed(string reason)
    {
        FailureReason = reason;
        _state = ModelState.Failed;
    }
}

/// <summary>A request arrived while the model takes no work; <see cref="State"/> says why.</summary>
public sealed class ModelNotServingException(ModelState state) : Exception($"The model is {state.ToString().ToLowerInvariant()}.")
{
    public ModelState State { get; } = state;
}
