namespace Florence2.Service.Contracts;

/// <summary>The model this instance serves and how it serves it (<c>GET /v1/model</c>).</summary>
/// <param name="Id">Model name, as in every answer's <c>model.id</c>.</param>
/// <param name="Dtype">Weight precision per component, e.g. <c>fp32</c>.</param>
/// <param name="Provider">Execution provider in use: <c>cpu</c> or <c>cuda</c>.</param>
/// <param name="ProviderReason">Why that provider (e.g. why CUDA was not available).</param>
/// <param name="Instances">Model instances (each a full set of sessions) serving the queue.</param>
/// <param name="Batching">The batching in effect and its queue now.</param>
public sealed record ModelDescription(string Id, string Dtype, string Provider, string ProviderReason, int Instances,
    BatchingDescription Batching);

/// <summary>The batching in effect.</summary>
/// <param name="Mode">
/// <c>continuous</c> (requests join a running batch between decoder steps) or <c>cohort</c> (a formed batch is closed).
/// </param>
/// <param name="RequestedMode">The mode configured (<c>Florence2:Batching:Mode</c>).</param>
/// <param name="ContinuousUnavailable">Why continuous batching, asked for, is not in effect; null otherwise.</param>
/// <param name="FinishFirst">
/// True when a running request that would finish sooner than a joiner's prefill finishes before requests join
/// (<c>Florence2:Batching:FinishFirst</c>, continuous mode only).
/// </param>
/// <param name="MaxBatchSize">Most requests (continuous: decoder rows, beams counted) decoding together per instance.</param>
/// <param name="MaxQueueDelayMs">Longest a queued request waits for others to share its batch.</param>
/// <param name="MaxQueueSize">Requests the queue holds before it refuses with 503.</param>
/// <param name="QueueDepth">Requests waiting now.</param>
/// <param name="RunningRequests">Requests the instances are running now.</param>
public sealed record BatchingDescription(string Mode, string RequestedMode, string? ContinuousUnavailable, bool FinishFirst, int MaxBatchSize,
    int MaxQueueDelayMs, int MaxQueueSize, int QueueDepth, int RunningRequests);
