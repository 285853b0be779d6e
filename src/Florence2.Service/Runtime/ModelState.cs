namespace Florence2.Service.Runtime;

/// <summary>Where the served model is in its life: readiness is true only in <see cref="Ready"/>.</summary>
public enum ModelState
{
    Loading,
    WarmingUp,
    Ready,
    Draining,
    Stopped,
    Failed,
}
