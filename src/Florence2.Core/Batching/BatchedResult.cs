using Florence2.Inference;

namespace Florence2.Batching;

/// <summary>A request's answer from the model plus how the batcher served it.</summary>
/// <param name="Result">The model's answer.</param>
/// <param name="QueueMs">Time from admission until its batch was handed to a model instance.</param>
/// <param name="BatchSize">Requests in the batch it ran in.</param>
/// <param name="InstanceIndex">Which model instance (index into the executors given to the batcher) ran it.</param>
public sealed record BatchedResult(EngineResult Result, double QueueMs, int BatchSize, int InstanceIndex);
