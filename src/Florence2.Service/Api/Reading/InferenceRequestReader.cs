using System.Globalization;
using System.Text.Json;
using Florence2.Service.Api.Contracts;
using Florence2.Service.Api.Problems;
using Florence2.Service.Configuration;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Florence2.Service.Api.Reading;

/// <summary>
/// Reads a task request from <c>multipart/form-data</c> (image file parts + fields) or <c>application/json</c>
/// (base64 images + the same fields in snake_case). Anything else is 415; malformed input is 400; size limits 413.
/// </summary>
internal static class InferenceRequestReader
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        MaxDepth = 8,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
    };

    public static async Task<InferenceCall> ReadAsync(HttpRequest request, LimitsOptions limits, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limits.MaxRequestBodyBytes)
            throw BoundedBody.TooLarge("request body", limits.MaxRequestBodyBytes);
        if (request.HasFormContentType && MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return await ReadMultipartAsync(request, limits, cancellationToken).ConfigureAwait(false);
        if (request.HasJsonContentType())
            return await ReadJsonAsync(request, limits, cancellationToken).ConfigureAwait(false);
        throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
            $"Send multipart/form-data (an 'image' file part plus fields) or application/json (base64 'image'); got '{request.ContentType ?? "no content type"}'.");
    }

    private static async Task<InferenceCall> ReadMultipartAsync(HttpRequest request, LimitsOptions limits, CancellationToken cancellationToken)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions
            {
                MultipartBodyLengthLimit = limits.MaxRequestBodyBytes,
                ValueLengthLimit = Math.Max(4096, limits.MaxTextLength * 4),
                ValueCountLimit = 64,
                MultipartHeadersLengthLimit = 16 * 1024,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, "Payload too large", ex.Message);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException)
        {
            throw ApiProblemException.Validation("body", $"The multipart body could not be read: {ex.Message}");
        }

        var files = form.Files.Where(f => f.Name is "image" or "images").ToList();
        if (files.Count > limits.MaxImagesPerRequest)
            throw ApiProblemException.Validation("image", $"At most {limits.MaxImagesPerRequest} images may be sent in one request; got {files.Count}.");
        var images = new List<ImageUpload>(files.Count);
        foreach (var file in files)
        {
            if (file.Length > limits.MaxImageBytes) throw BoundedBody.TooLarge("image", limits.MaxImageBytes);
            await using var stream = file.OpenReadStream();
            byte[] bytes = await BoundedBody.ReadAsync(stream, limits.MaxImageBytes, "image", cancellationToken).ConfigureAwait(false);
            images.Add(new ImageUpload(bytes, file.ContentType, file.FileName));
        }
        return new InferenceCall(
            Field(form, "task"), Field(form, "text"), Field(form, "region"),
            IntField(form, "num_beams"), IntField(form, "max_new_tokens"), images);
    }

    private static async Task<InferenceCall> ReadJsonAsync(HttpRequest request, LimitsOptions limits, CancellationToken cancellationToken)
    {
        byte[] body = await BoundedBody.ReadAsync(request.Body, limits.MaxRequestBodyBytes, "request body", cancellationToken).ConfigureAwait(false);
        TaskRequestJson? json;
        try
        {
            json = JsonSerializer.Deserialize<TaskRequestJson>(body, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw ApiProblemException.Validation(string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.'),
                $"The JSON body is not valid: {FirstSentence(ex.Message)}");
        }
        if (json is null) throw ApiProblemException.Validation("body", "The JSON body must be an object.");

        var encoded = new List<(string Name, string Value)>();
        if (json.Image is not null) encoded.Add(("image", json.Image));
        if (json.Images is not null) encoded.AddRange(json.Images.Select((value, i) => ($"images[{i}]", value)));
        if (encoded.Count > limits.MaxImagesPerRequest)
            throw ApiProblemException.Validation("images", $"At most {limits.MaxImagesPerRequest} images may be sent in one request; got {encoded.Count}.");
        var images = encoded.Select(e => new ImageUpload(Base64Image.Decode(e.Value, e.Name, limits.MaxImageBytes), null, e.Name)).ToList();
        return new InferenceCall(json.Task, json.Text, RegionText(json.Region), json.NumBeams, json.MaxNewTokens, images);
    }

    private static string? Field(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    private static int? IntField(IFormCollection form, string name)
    {
        string? text = Field(form, name);
        if (string.IsNullOrWhiteSpace(text)) return null;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw ApiProblemException.Validation(name, $"'{name}' must be an integer; got '{Truncate(text)}'.");
    }

    /// <summary>A region given as a JSON string is used as is; an array of four numbers becomes <c>x1,y1,x2,y2</c>.</summary>
    private static string? RegionText(JsonElement? region)
    {
        if (region is not { } element || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind == JsonValueKind.String) return element.GetString();
        if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() == 4
            && element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number))
            return string.Join(",", element.EnumerateArray().Select(e => e.GetDouble().ToString("R", CultureInfo.InvariantCulture)));
        throw ApiProblemException.Validation("region", "'region' must be \"x1,y1,x2,y2\", an array of four numbers, or four <loc_N> tokens.");
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    internal static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
