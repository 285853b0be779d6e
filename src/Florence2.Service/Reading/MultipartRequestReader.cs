using System.Globalization;
using Florence2.Service.Problems;
using Florence2.Service.Configuration;
using Microsoft.AspNetCore.Http.Features;

namespace Florence2.Service.Reading;

/// <summary>
/// Reads a multipart/form-data task request: <c>image</c> (or <c>images</c>) file parts plus plain fields. Names are
/// matched exactly and checked as in JSON: an unknown name, a plain field sent twice, or a file where a plain field
/// belongs (or the reverse) is a 400, because each of them means the request is not the one the client meant.
/// </summary>
internal static class MultipartRequestReader
{
    public static async Task<InferenceCall> ReadAsync(HttpRequest request, LimitsOptions limits, CancellationToken cancellationToken)
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
            throw FieldProblems.Body($"The multipart body could not be read: {ex.Message}");
        }
        CheckNames(form);

        if (form.Files.Count > limits.MaxImagesPerRequest)
            throw ApiProblemException.Validation(KnownFields.Image,
                $"At most {limits.MaxImagesPerRequest} images may be sent in one request; got {form.Files.Count}.");
        var images = new List<ImageUpload>(form.Files.Count);
        foreach (var file in form.Files)
        {
            if (file.Length > limits.MaxImageBytes) throw BoundedBody.TooLarge("image", limits.MaxImageBytes);
            await using var stream = file.OpenReadStream();
            byte[] bytes = await BoundedBody.ReadAsync(stream, limits.MaxImageBytes, "image", cancellationToken).ConfigureAwait(false);
            images.Add(new ImageUpload(bytes, file.ContentType, file.FileName));
        }
        return new InferenceCall(
            Value(form, KnownFields.Task), Value(form, KnownFields.Text), Value(form, KnownFields.Region),
            IntValue(form, KnownFields.NumBeams), IntValue(form, KnownFields.MaxNewTokens), images)
        {
            MaskFormat = Value(form, KnownFields.MaskFormat),
            MinScore = NumberValue(form, KnownFields.MinScore),
            Logprobs = BoolValue(form, KnownFields.Logprobs),
            Tasks = form.TryGetValue(KnownFields.Tasks, out var tasks) ? TaskItems.FromFormValues(tasks, limits) : null,
        };
    }

    private static double? NumberValue(IFormCollection form, string name)
    {
        string? text = Value(form, name);
        if (string.IsNullOrWhiteSpace(text)) return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw FieldProblems.WrongType(name, "a number", $"'{Serving.RequestFields.Quote(text)}'");
    }

    /// <summary>true or false in any casing (HTML forms and Swagger UI send "true"/"false").</summary>
    private static bool? BoolValue(IFormCollection form, string name)
    {
        string? text = Value(form, name);
        if (string.IsNullOrWhiteSpace(text)) return null;
        return bool.TryParse(text.Trim(), out bool value)
            ? value
            : throw FieldProblems.WrongType(name, "true or false", $"'{Serving.RequestFields.Quote(text)}'");
    }

    /// <summary>After this, every file part is an image and every plain field a known one, sent once.</summary>
    private static void CheckNames(IFormCollection form)
    {
        // The form's own lookup ignores case; the names as sent are what must match.
        var unknown = form.Keys.Where(name => !KnownFields.IsKnown(name))
            .Concat(form.Files.Select(file => file.Name).Where(name => !KnownFields.IsKnown(name)))
            .Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0) throw FieldProblems.Unknown(unknown);

        if (form.Files.FirstOrDefault(file => KnownFields.ValueFields.Contains(file.Name)) is { } misplaced)
            throw FieldProblems.Invalid(misplaced.Name, "must be a plain field, not a file part");
        foreach (var (name, values) in form)
        {
            // A browser form with no file chosen sends the part as an empty plain field: no image, not an error.
            if (KnownFields.ImageFields.Contains(name) && values.Any(value => !string.IsNullOrEmpty(value)))
                throw FieldProblems.Invalid(name, $"must be a file part, not a plain field (with curl: -F {name}=@photo.jpg)");
            if (KnownFields.ValueFields.Contains(name) && !KnownFields.RepeatableFields.Contains(name) && values.Count > 1)
                throw FieldProblems.Repeated(name, values.Count);
        }
    }

    private static string? Value(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static int? IntValue(IFormCollection form, string name)
    {
        string? text = Value(form, name);
        if (string.IsNullOrWhiteSpace(text)) return null;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw FieldProblems.NotAnInt(name, text, $"'{Serving.RequestFields.Quote(text)}'");
    }
}
