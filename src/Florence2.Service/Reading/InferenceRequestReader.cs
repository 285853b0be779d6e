using Florence2.Service.Problems;
using Florence2.Service.Configuration;
using Microsoft.Net.Http.Headers;

namespace Florence2.Service.Reading;

/// <summary>
/// Reads a task request from <c>multipart/form-data</c> (image file parts + fields) or <c>application/json</c>
/// (base64 images + the same fields). Anything else is 415; malformed input is 400; size limits 413.
/// </summary>
internal static class InferenceRequestReader
{
    public static async Task<InferenceCall> ReadAsync(HttpRequest request, LimitsOptions limits, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limits.MaxRequestBodyBytes)
            throw BoundedBody.TooLarge("request body", limits.MaxRequestBodyBytes);
        if (request.HasFormContentType && MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return await MultipartRequestReader.ReadAsync(request, limits, cancellationToken).ConfigureAwait(false);
        if (request.HasJsonContentType())
        {
            byte[] body = await BoundedBody.ReadAsync(request.Body, limits.MaxRequestBodyBytes, "request body", cancellationToken).ConfigureAwait(false);
            return JsonRequestParser.Parse(body, limits);
        }
        throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
            $"Send multipart/form-data (an 'image' file part plus fields) or application/json (base64 'image'); got '{request.ContentType ?? "no content type"}'.");
    }
}
