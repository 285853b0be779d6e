namespace Florence2.Service.Api.Problems;

/// <summary>
/// RFC 9457 problem details for everything: unhandled exceptions become a 500 without a stack trace, bare status
/// codes (404 route, 405 method) get a body, and every problem carries the trace id.
/// </summary>
public static class ProblemRegistration
{
    public static WebApplicationBuilder AddFlorence2Problems(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = ProblemResults.TraceId(context.HttpContext);
            if (context.ProblemDetails.Status == StatusCodes.Status500InternalServerError)
                context.ProblemDetails.Detail = "An unexpected error occurred; it has been logged with this trace id.";
        });
        return builder;
    }

    public static WebApplication UseFlorence2Problems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
