using System.Globalization;
using Florence2.Drawing;
using Florence2.Serving;
using Florence2.Service.Contracts;
using Florence2.Service.Problems;
using Florence2.Service.Reading;
using Florence2.Service.Calls;
using Florence2.Service.Configuration;
using Florence2.Service.Observability;
using Florence2.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Serilog;

namespace Florence2.Service.Api;

/// <summary>Reads one task request, runs it, and answers: the answers, or one problem for whatever went wrong.</summary>
internal sealed class TaskRequestHandler(CallRunner runner, IOptions<LimitsOptions> limits, ProblemResponder problems,
    RequestMetrics metrics, IDiagnosticContext log)
{
    /// <summary>Header with which a client shortens the queue deadline for its request.</summary>
    public const string TimeoutHeader = "X-Request-Timeout-Ms";

    /// <summary>A family endpoint: the task named in the body must belong to <paramref name="family"/>.</summary>
    public Task<Results<Ok<TaskResponse>, Ok<MultiTaskResponse>, FileContentHttpResult, ProblemHttpResult>> HandleAsync(HttpContext context, TaskFamily family) =>
        RunAsync(context, call => TaskRequestValidator.ResolveTask(call.Task, family, TaskCatalog.DefaultOf(family)));

    /// <summary><c>/v1/tasks/{task}</c>: the path names the task; a body that names another is refused.</summary>
    public Task<Results<Ok<TaskResponse>, Ok<MultiTaskResponse>, FileContentHttpResult, ProblemHttpResult>> HandleByPathAsync(HttpContext context, string taskName) =>
        RunAsync(context, call =>
        {
            if (!TaskCatalog.TryFind(taskName, out var task))
                throw new ApiProblemException(StatusCodes.Status404NotFound, "Unknown task",
                    $"There is no task '{RequestFields.Quote(taskName)}'. GET /v1/tasks lists them.", RequestFields.Task);
            if (!string.IsNullOrWhiteSpace(call.Task) && TaskRequestValidator.ResolveTask(call.Task, null, task) != task)
                throw new InvalidRequestException(RequestFields.Task, $"The path names task '{task.Name}' but the body names '{call.Task}'.");
            return task;
        });

    private async Task<Results<Ok<TaskResponse>, Ok<MultiTaskResponse>, FileContentHttpResult, ProblemHttpResult>> RunAsync(HttpContext context,
        Func<InferenceCall, Florence2Task> resolveTask)
    {
        string taskToken = RequestMetrics.UnknownTask;
        try
        {
            var timeout = ReadTimeout(context.Request);
            var drawing = AnswerNegotiation.Choose(context.Request.Headers.Accept);
            context.Response.Headers.Vary = "Accept";
            var call = await InferenceRequestReader.ReadAsync(context.Request, limits.Value, context.RequestAborted).ConfigureAwait(false);
            if (call.Tasks is not null)
                throw ApiProblemException.Validation(KnownFields.Tasks,
                    "'tasks' runs several tasks per image on POST /v1/analyze; this endpoint runs one: name it in 'task'.");
            if (drawing is not null && call.Images.Count > 1) throw AnswerNegotiation.SeveralImages(call.Images.Count);
            var task = resolveTask(call);
            taskToken = task.Token;
            log.Set("Task", task.Token);
            log.Set("Images", call.Images.Count);
            var responses = await runner.RunAsync(call, task, timeout, context.RequestAborted).ConfigureAwait(false);
            log.Set("ImageSize", string.Join(";", responses.Select(r => $"{r.Image.Width}x{r.Image.Height}")));
            log.Set("BatchSize", responses.Max(r => r.Timings.BatchSize));
            log.Set("QueueMs", responses.Max(r => r.Timings.QueueMs));
            log.Set("InferenceMs", responses.Max(r => r.Timings.InferenceMs));
            metrics.Record(taskToken, "ok");
            if (drawing is { } format)
                return TypedResults.File(runner.Draw(call.Images[0], responses[0], format), format.MediaType());
            return responses.Count == 1
                ? TypedResults.Ok(responses[0])
                : TypedResults.Ok(new MultiTaskResponse(responses));
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            return problems.Respond(context, failure, taskToken);
        }
    }

    internal static TimeSpan? ReadTimeout(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(TimeoutHeader, out var values) || values.Count == 0) return null;
        return int.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : throw ApiProblemException.Validation(TimeoutHeader, $"{TimeoutHeader} must be a positive number of milliseconds.");
    }
}
