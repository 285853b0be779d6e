using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Florence2.Service.Problems;

/// <summary>Builds RFC 9457 problem details with the trace id, the field at fault and Retry-After where it applies.</summary>
public static class ProblemResults
{
    public static ProblemHttpResult From(HttpContext context, ApiProblemException problem)
    {
        if (problem.RetryAfter is { } retry)
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var extensions = new Dictionary<string, object?> { ["traceId"] = TraceId(context) };
        if (problem.Field is not null) extensions["field"] = problem.Field;
        return TypedResults.Problem(problem.Detail, statusCode: problem.Status, title: problem.Title,
            type: TypeFor(problem.Status), extensions: extensions);
    }

    public static string TraceId(HttpContext context) => Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;

    /// <summary>The RFC 9110 section describing the status, as ASP.NET Core's defaults use.</summary>
    public static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        504 => "https://tools.ietf.org/html/rfc9110#section-15.6.5",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };
}
