using Florence2.Drawing;
using Florence2.Service.Problems;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Florence2.Service.Api;

/// <summary>
/// What a task request's <c>Accept</c> header asks for: JSON (no header, <c>*/*</c>, <c>application/json</c> …), or
/// the input image with the answer drawn on it (<c>image/png</c>, <c>image/jpeg</c>, <c>image/webp</c>, <c>image/*</c>
/// = PNG). The acceptable type with the highest q-value wins (the first listed among equals). An Accept that names
/// only image types the service can't draw in (<c>image/gif</c>) is a 406; anything else that names no JSON, as a
/// browser's <c>text/html</c>, still gets JSON, as before images could be asked for.
/// </summary>
internal static class AnswerNegotiation
{
    /// <summary>The image format asked for, or null for JSON.</summary>
    /// <exception cref="ApiProblemException">406 when only unsupported image types are acceptable.</exception>
    public static AnnotatedImageFormat? Choose(StringValues accept)
    {
        if (StringValues.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList(accept, out var types)) return null;
        var ranked = types.Select((type, order) => (Type: type, Order: order))
            .Where(t => (t.Type.Quality ?? 1) > 0)
            .OrderByDescending(t => t.Type.Quality ?? 1).ThenBy(t => t.Order)
            .Select(t => t.Type.MediaType.Value ?? "")
            .ToList();
        foreach (string type in ranked)
        {
            if (AnnotatedImageFormats.TryParse(type, out var format)) return format;
            if (!type.StartsWith("image/", StringComparison.OrdinalIgnoreCase)) return null;
        }
        if (ranked.Count > 0 && ranked.All(type => type.StartsWith("image/", StringComparison.OrdinalIgnoreCase)))
            throw NotAcceptable($"Annotated images are drawn as {string.Join(", ", AnnotatedImageFormats.MediaTypes)}; " +
                $"the Accept header asks for {string.Join(", ", ranked)}. Ask for one of those, or for application/json.");
        return null;
    }

    /// <summary>An annotated image answers one image: several images can't be drawn into one answer.</summary>
    public static ApiProblemException SeveralImages(int count) => NotAcceptable(
        $"An annotated image answers one image; this request sent {count}. Send them one per request, or ask for application/json.");

    /// <summary>An endpoint that answers JSON only was asked for an image first.</summary>
    public static ApiProblemException JsonOnly(string endpoint) => NotAcceptable(
        $"{endpoint} answers application/json only; the Accept header prefers an image. An annotated image answers one task: " +
        "ask a task endpoint (e.g. POST /v1/detect) for it, or accept application/json here.");

    private static ApiProblemException NotAcceptable(string detail) =>
        new(StatusCodes.Status406NotAcceptable, "Not acceptable", detail, "Accept");
}
