using Florence2.Service.Calls;
using Florence2.Service.Configuration;
using Florence2.Service.Contracts;
using Florence2.Service.Observability;
using Florence2.Service.Problems;
using Florence2.Service.Reading;
using Florence2.Service.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Serilog;

namespace Florence2.Service.Api;

/// <summary><c>POST /v1/analyze</c>: several tasks on each image in one call, each image's vision pass shared by its tasks.</summary>
public static class AnalyzeEndpoints
{
    /// <summary>The task label <c>florence2_requests_total</c> counts analyze calls under.</summary>
    public const string MetricsTask = "analyze";

    public static IEndpointRouteBuilder MapAnalyzeApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/analyze", (HttpContext context, AnalyzeRequestHandler handler) => handler.HandleAsync(context))
            .WithTags("Analyze")
            .AddEndpointFilter<ApiKeyFilter>()
            .RequireRateLimiting(SecurityRegistration.RateLimitPolicy)
            .WithName("Analyze")
            .WithSummary("Run several tasks on each image in one call")
            .WithDescription("Runs every task of `tasks` on every image: the answer has, per image in the order sent, one result per task " +
                "in the order listed, each with the fields of a single-task answer. Each image is decoded and resized once, and its tasks " +
                "are queued together so they share one vision-encoder pass (`vision_passes`). A `tasks` item is a task name (`od`) or an " +
                "object with the task and its own inputs and settings (`{\"task\": \"phrase_grounding\", \"text\": \"a car\"}`); " +
                "`num_beams`, `max_new_tokens`, `mask_format`, `min_score` and `logprobs` at the top apply to every task that sets none. " +
                "In multipart/form-data, send one `tasks` field per item (names as they are, objects as JSON). The answer is JSON: an " +
                "`Accept` that prefers an image is a 406 (a task endpoint draws one task's answer on its image).")
            .Accepts<AnalyzeRequestForm>("multipart/form-data", "application/json")
            .Produces<AnalyzeResponse>(StatusCodes.Status200OK)
            .ProducesInferenceProblems(notAcceptable: true)
            .DisableAntiforgery();
        return app;
    }
}

/// <summary>Reads an analyze request, runs it, and answers: the analysis, or one problem for whatever went wrong.</summary>
internal sealed class AnalyzeRequestHandler(CallRunner runner, IOptions<LimitsOptions> limits, ProblemResponder problems,
    RequestMetrics metrics, IDiagnosticContext log)
{
    public async Task<Results<Ok<AnalyzeResponse>, ProblemHttpResult>> HandleAsync(HttpContext context)
    {
        try
        {
            var timeout = TaskRequestHandler.ReadTimeout(context.Request);
            if (AnswerNegotiation.Choose(context.Request.Headers.Accept) is not null) throw AnswerNegotiation.JsonOnly("POST /v1/analyze");
            var call = await InferenceRequestReader.ReadAsync(context.Request, limits.Value, context.RequestAborted).ConfigureAwait(false);
            log.Set("Task", MetricsTask);
            log.Set("Images", call.Images.Count);
            log.Set("Tasks", call.Tasks?.Count ?? 0);
            var response = await runner.AnalyzeAsync(call, timeout, context.RequestAborted).ConfigureAwait(false);
            log.Set("VisionPasses", response.Images.Sum(i => i.VisionPasses));
            metrics.Record(MetricsTask, "ok");
            return TypedResults.Ok(response);
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            return problems.Respond(context, failure, MetricsTask);
        }
    }

    private const string MetricsTask = AnalyzeEndpoints.MetricsTask;
}
