using System.Diagnostics.Metrics;
using Florence2.Batching;

namespace Florence2.Service.Observability;

/// <summary>HTTP-level counters on the Florence2 meter (the batcher records queue, batch and stage metrics).</summary>
public sealed class RequestMetrics
{
    private readonly Counter<long> _requests;

    public RequestMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(BatcherMetrics.MeterName);
        _requests = meter.CreateCounter<long>("florence2_requests_total", description: "Task requests answered, by task and outcome.");
    }

    /// <summary>The task label of a request refused before its task was known.</summary>
    public const string UnknownTask = "unknown";

    /// <param name="task">Task token, or "unknown" when the request was refused before the task was known.</param>
    /// <param name="outcome">"ok", or the problem status family: "bad_request", "too_large", "unsupported", "unprocessable", "unauthorized", "rate_limited", "unavailable", "timeout", "error".</param>
    public void Record(string task, string outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>("task", task), new KeyValuePair<string, object?>("outcome", outcome));

    public static string OutcomeOf(int status) => status switch
    {
        < 400 => "ok",
        401 => "unauthorized",
        413 => "too_large",
        415 => "unsupported",
        422 => "unprocessable",
        429 => "rate_limited",
        503 => "unavailable",
        504 => "timeout",
        < 500 => "bad_request",
        _ => "error",
    };
}
