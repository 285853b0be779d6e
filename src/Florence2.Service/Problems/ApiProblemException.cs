namespace Florence2.Service.Problems;

/// <summary>
/// A request that can't be served, with the HTTP status and the words a client needs to fix it. Endpoints turn it
/// into RFC 9457 problem details.
/// </summary>
public sealed class ApiProblemException(int status, string title, string detail, string? field = null, TimeSpan? retryAfter = null)
    : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string Detail { get; } = detail;

    /// <summary>The request field at fault (<c>image</c>, <c>task</c>, <c>text</c>, <c>region</c>, …), when there is one.</summary>
    public string? Field { get; } = field;

    /// <summary>For 429/503: when to try again.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>A 400; <paramref name="field"/> is null when the request as a whole is at fault (e.g. not JSON).</summary>
    public static ApiProblemException Validation(string? field, string detail) =>
        new(StatusCodes.Status400BadRequest, "Invalid request", detail, field);
}
