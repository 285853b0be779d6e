namespace Florence2.Service.Api;

/// <summary>The problems every inference endpoint can answer, documented once for the task endpoints and /v1/analyze.</summary>
internal static class InferenceProblemResponses
{
    /// <summary>
    /// Documents the 4xx/5xx problems of an inference call; <paramref name="notAcceptable"/> adds the 406 of endpoints
    /// that can answer an annotated image.
    /// </summary>
    public static RouteHandlerBuilder ProducesInferenceProblems(this RouteHandlerBuilder builder, bool notAcceptable)
    {
        builder.ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        if (notAcceptable) builder.ProducesProblem(StatusCodes.Status406NotAcceptable);
        return builder.ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
    }
}
