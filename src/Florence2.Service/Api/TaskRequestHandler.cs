using System.Globalization;
using Florence2.Service.Api.Contracts;
using Florence2.Service.Api.Problems;
using Florence2.Service.Api.Reading;
using Florence2.Service.Configuration;
using Florence2.Service.Inference;
using Florence2.Service.Observability;
using Florence2.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;
using Serilog;

namespace Florence2.Service.Api;

/// <summary>Reads, validates and runs one task request; every refusal becomes problem details.</summary>
internal static class TaskRequestHandler
{
    public static Task<Results<Ok<TaskResponse>, Ok<MultiTaskResponse>, ProblemHttpResult>> HandleAsync(HttpContext context,
        TaskFamily family, Florence2Task defaultTask, TaskInvoker invoker, LimitsOptions limits, IDiagnosticContext log) =>
        RunAsync(context, invoker, limits, log, call => CallValidator.ResolveTask(call.Task, family, defaultTask));

    public static Task<Results<Ok<TaskResponse>, Ok<MultiTaskResponse>, ProblemHttpResult>> HandleByPathAsync(HttpContext context,
        string taskName, TaskInvoker invoker, LimitsOptions limits, IDiagnosticContext log) =>
        RunAsync(context, invoker, limits, log, call =>
        {
            if (!TaskCatalog.TryFind(taskName, out var task) || task is null)
                throw new ApiProblemException(StatusCodes.Status404NotFound, "Unknown task",
                    $"There is no task '{InferenceRequestReader.Truncate(taskName)}'. GET /v1/tasks lists them.", "task");
            if (!string.IsNullOrWhiteSpace(call.Task) && CallValidator.ResolveTask(call.Task, null, task) != task)
                throw ApiProblemException.Validation("task", $"The path names task '{task.Name}' but the body names '{call.Task}'.");
            return task;
        });

    private static async Task<Results<Ok<TaskResponse>, Ok<MultiTaskResponse>, ProblemHttpResult>> RunAsync(HttpContext context,
        TaskInvoker invoker, LimitsOptions limits, IDiagnosticContext log, Func<InferenceCall, Florence2Task> resolveTask)
    {
        var metrics = context.RequestServices.GetRequiredService<RequestMetrics>();
        string taskToken = "unknown";
        try
        {
            var timeout = ReadTimeout(context.Request);
            var call = await InferenceRequestReader.ReadAsync(context.Request, limits, context.RequestAborted).ConfigureAwait(false);
            var task = resolveTask(call);
            taskToken = task.Token;
            log.Set("Task", task.Token);
            log.Set("Images", call.Images.Count);
            var responses = await invoker.InvokeAsync(call, task, timeout, context.RequestAborted).ConfigureAwait(false);
            log.Set("ImageSize", string.Join(";", responses.Select(r => $"{r.Image.Width}x{r.Image.Height}")));
            log.Set("BatchSize", responses.Max(r => r.Timings.BatchSize));
            log.Set("QueueMs", responses.Max(r => r.Timings.QueueMs));
            log.Set("InferenceMs", responses.Max(r => r.Timings.InferenceMs));
            metrics.Record(taskToken, "ok");
            return responses.Count == 1
                ? TypedResults.Ok(responses[0])
                : TypedResults.Ok(new MultiTaskResponse(responses));
        }
        catch (ApiProblemException problem)
        {
            metrics.Record(taskToken, RequestMetrics.OutcomeOf(problem.Status));
            log.Set("Problem", problem.Title);
            return ProblemResults.From(context, problem);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limits (e.g. MaxRequestBodySize → 413) surface while the body is read.
            metrics.Record(taskToken, RequestMetrics.OutcomeOf(ex.StatusCode));
            return ProblemResults.From(context, new ApiProblemException(ex.StatusCode,
                ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload too large" : "Bad request", ex.Message));
        }
    }

    private static TimeSpan? ReadTimeout(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(TaskEndpoints.TimeoutHeader, out var values) || values.Count == 0) return null;
        return int.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : throw ApiProblemException.Validation(TaskEndpoints.TimeoutHeader, $"{TaskEndpoints.TimeoutHeader} must be a positive number of milliseconds.");
    }
}
