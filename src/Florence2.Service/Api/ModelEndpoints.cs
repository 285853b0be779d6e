using Florence2.Batching;
using Florence2.Serving;
using Florence2.Service.Contracts;
using Florence2.Service.Runtime;
using Florence2.Service.Security;

namespace Florence2.Service.Api;

/// <summary><c>GET /v1/model</c>: what this instance serves and how (provider, instances, batching mode and queue).</summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/model").WithTags("Model").AddEndpointFilter<ApiKeyFilter>()
            .RequireRateLimiting(SecurityRegistration.RateLimitPolicy)
            .MapGet("", (ModelRuntime runtime) => TypedResults.Ok(Describe(runtime.RequireServing())))
            .WithName("DescribeModel")
            .WithSummary("Describe the model being served")
            .WithDescription("The model's id, precision and execution provider, its instances, and the batching in effect " +
                "(`continuous` or `cohort`, with the reason when continuous was asked for but the model's decoder does not " +
                "allow it), whether a request about to finish finishes before others join (finish-first), with the queue's limits and depth now. 503 while the model loads, warms up or drains.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static ModelDescription Describe(Florence2Model model) => new(model.Id, model.Dtype, model.Provider, model.ProviderReason,
        model.Instances,
        new BatchingDescription(Name(model.BatchingMode), Name(model.Batching.Mode), model.ContinuousBatchingUnavailable,
            model.BatchingMode == BatchingMode.Continuous && model.Batching.FinishFirst, model.Batching.MaxBatchSize, model.Batching.MaxQueueDelayMs, model.Batching.MaxQueueSize, model.QueueDepth,
            model.RunningRequests));

    private static string Name(BatchingMode mode) => mode.ToString().ToLowerInvariant();
}
