namespace Florence2.Service.Problems;

/// <summary>
/// RFC 9457 problem details for everything: unhandled exceptions become a 500 without a stack trace, bare status
/// codes (404 route, 405 method) get a body, and every problem carries the trace id.
/// </summary>
public static class ProblemRegistration
{
    public static WebApplicationBuilder AddFlorence2Problems(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ProblemResponder>();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // The framework adds its own trace id, whose key the snake_case JSON policy turns into "trace_id" (with the
            // W3C traceparent as value): one trace id, under the documented name, is enough.
            context.ProblemDetails.Extensions.Remove("trace_id");
            context.ProblemDetails.Extensions["traceId"] = ProblemResults.TraceId(context.HttpContext);
            if (context.ProblemDetails.Status == StatusCodes.Status500InternalServerError)
            {
                context.ProblemDetails.Title = "Internal error";
                context.ProblemDetails.Detail = "An unexpected error occurred; it has been logged with this trace id.";
            }
            // Titles in one case: ours are sentence case, the framework's are Title Case ("Method Not Allowed").
            context.ProblemDetails.Title = SentenceCase(context.ProblemDetails.Title);
            // Problems the framework raises itself (status code pages: unknown route, wrong method, and the 415 that
            // routing answers from the endpoints' Accepts metadata before the handler runs) come without a detail.
            context.ProblemDetails.Detail ??= DetailFor(context.ProblemDetails.Status, context.HttpContext.Request);
        });
        return builder;
    }

    private static string? SentenceCase(string? title) =>
        string.IsNullOrEmpty(title) ? title : char.ToUpperInvariant(title[0]) + title[1..].ToLowerInvariant();

    private static string DetailFor(int? status, HttpRequest request) => status switch
    {
        StatusCodes.Status404NotFound => $"There is no endpoint at '{request.Path}'. GET /v1/tasks lists the tasks; /swagger documents the API.",
        StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on '{request.Path}'.",
        StatusCodes.Status415UnsupportedMediaType =>
            $"Send multipart/form-data (an 'image' file part plus fields) or application/json (base64 'image'); got '{request.ContentType ?? "no content type"}'.",
        _ => "The request could not be served.",
    };

    public static WebApplication UseFlorence2Problems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
