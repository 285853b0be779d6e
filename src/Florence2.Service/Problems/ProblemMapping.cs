using Florence2.Batching;
using Florence2.Imaging;
using Florence2.Serving;
using Florence2.Service.Runtime;

namespace Florence2.Service.Problems;

/// <summary>
/// The one translation of failures into what a client is told: status, title, detail, field and Retry-After. Every
/// refusal of the service, whichever layer raised it, passes through here.
/// </summary>
public static class ProblemMapping
{
    public static ApiProblemException From(Exception failure) => failure switch
    {
        ApiProblemException problem => problem,
        InvalidRequestException invalid => ApiProblemException.Validation(invalid.Field, invalid.Message),
        ImageRejectedException rejected => ForImage(rejected, "The image"),
        ModelNotServingException notServing => NotServing(notServing.State),
        QueueFullException full => new ApiProblemException(StatusCodes.Status503ServiceUnavailable, "Queue full",
            $"The request queue is full ({full.MaxQueueSize} waiting); retry later.", retryAfter: full.RetryAfter),
        BatcherUnavailableException stopped => new ApiProblemException(StatusCodes.Status503ServiceUnavailable, "Shutting down",
            "This instance is shutting down and takes no new work; retry on another instance.", retryAfter: stopped.RetryAfter),
        QueueTimeoutException timedOut => new ApiProblemException(StatusCodes.Status504GatewayTimeout, "Queue deadline passed",
            $"The request waited {timedOut.Timeout.TotalMilliseconds:F0} ms in the queue without reaching the model.", retryAfter: TimeSpan.FromSeconds(1)),
        OperationCanceledException => new ApiProblemException(StatusCodes.Status503ServiceUnavailable, "Cancelled",
            "The request was cancelled before it finished (the instance is shutting down); retry.", retryAfter: TimeSpan.FromSeconds(1)),
        // Kestrel's own limits (e.g. MaxRequestBodySize → 413) surface while the body is read.
        BadHttpRequestException http => new ApiProblemException(http.StatusCode,
            http.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload too large" : "Bad request", http.Message),
        _ => new ApiProblemException(StatusCodes.Status500InternalServerError, "Inference failed",
            "The model failed while running this request."),
    };

    /// <summary>An image refused by the decoder, named as the client sent it (file name or JSON field).</summary>
    public static ApiProblemException ForImage(ImageRejectedException rejected, string imageName) => rejected.Reason switch
    {
        ImageRejectionReason.UnsupportedFormat => new ApiProblemException(StatusCodes.Status415UnsupportedMediaType,
            "Unsupported image format", $"{imageName}: {rejected.Message}", RequestFields.Image),
        ImageRejectionReason.TooLarge => new ApiProblemException(StatusCodes.Status413PayloadTooLarge,
            "Image too large", $"{imageName}: {rejected.Message}", RequestFields.Image),
        ImageRejectionReason.Empty => ApiProblemException.Validation(RequestFields.Image, $"{imageName} is empty."),
        _ => new ApiProblemException(StatusCodes.Status422UnprocessableEntity,
            "Undecodable image", $"{imageName}: {rejected.Message}", RequestFields.Image),
    };

    private static ApiProblemException NotServing(ModelState state) => state switch
    {
        ModelState.Draining or ModelState.Stopped => new ApiProblemException(StatusCodes.Status503ServiceUnavailable,
            "Shutting down", "This instance is shutting down and takes no new work; retry on another instance.", retryAfter: TimeSpan.FromSeconds(1)),
        ModelState.Failed => new ApiProblemException(StatusCodes.Status503ServiceUnavailable,
            "Model unavailable", "The model failed to load on this instance.", retryAfter: TimeSpan.FromSeconds(30)),
        _ => new ApiProblemException(StatusCodes.Status503ServiceUnavailable,
            "Not ready", "The model is still loading; retry shortly.", retryAfter: TimeSpan.FromSeconds(5)),
    };
}
