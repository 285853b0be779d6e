using Florence2.Service.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Florence2.Service.Api;

/// <summary>Liveness (the process answers) and readiness (model loaded, warmed up, not draining).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");
        group.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live", null)))
            .WithName("Live").WithSummary("Liveness: the process is up and answering")
            .DisableRateLimiting();
        group.MapGet("/ready", Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>> (ModelRuntime runtime) =>
                runtime.IsReady
                    ? TypedResults.Ok(new HealthStatus("ready", null))
                    : TypedResults.Json(new HealthStatus(runtime.State.ToString().ToLowerInvariant(), runtime.FailureReason),
                        statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithName("Ready").WithSummary("Readiness: the model is loaded and warmed up, and the instance is not draining")
            .Produces<HealthStatus>(StatusCodes.Status503ServiceUnavailable)
            .DisableRateLimiting();
        return app;
    }
}

/// <summary>Health answer.</summary>
/// <param name="Status">live, ready, loading, warmingup, draining, stopped or failed.</param>
/// <param name="Detail">Why not ready, when known.</param>
public sealed record HealthStatus(string Status, string? Detail);
