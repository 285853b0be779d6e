using Florence2.Service.Observability;
using Microsoft.AspNetCore.Http.HttpResults;
using Serilog;

namespace Florence2.Service.Problems;

/// <summary>
/// Answers a refused task request: maps the failure (<see cref="ProblemMapping"/>), counts it under its outcome in
/// <c>florence2_requests_total</c>, logs what deserves a log, and writes the problem details. The API key filter,
/// the rate limiter and the task handlers all answer through it, so a refusal is counted and worded once.
/// </summary>
public sealed partial class ProblemResponder(RequestMetrics metrics, ILogger<ProblemResponder> logger)
{
    public ProblemHttpResult Respond(HttpContext context, Exception failure, string task = RequestMetrics.UnknownTask)
    {
        var problem = ProblemMapping.From(failure);
        metrics.Record(task, RequestMetrics.OutcomeOf(problem.Status));
        context.RequestServices.GetService<IDiagnosticContext>()?.Set("Problem", problem.Title);
        // Only the service's own failures are errors; refusals (4xx, 503 load shedding, a deadline the client may
        // have shortened itself) are the service working as designed.
        if (problem.Status == StatusCodes.Status500InternalServerError) LogFailed(failure, task);
        else if (problem.Status == StatusCodes.Status504GatewayTimeout) LogDeadline(task, problem.Detail);
        return ProblemResults.From(context, problem);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Inference failed for task {Task}")]
    private partial void LogFailed(Exception failure, string task);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue deadline passed for task {Task}: {Detail}")]
    private partial void LogDeadline(string task, string detail);
}
