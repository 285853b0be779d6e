using System.Globalization;
using System.Text.Json;
using Florence2.Service.Problems;
using Florence2.Service.Configuration;

namespace Florence2.Service.Reading;

/// <summary>
/// Turns a JSON body into an <see cref="InferenceCall"/> with every refusal in the API's words: the body is checked
/// (<see cref="JsonBodyCheck"/>), then read as a document whose fields are taken one by one. Unknown and repeated
/// fields are refused: the schema says <c>additionalProperties: false</c>, a misspelt <c>maxNewTokens</c> silently
/// ignored runs the default budget, and with a repeated field parsers disagree on which one counts.
/// </summary>
internal static class JsonRequestParser
{
    private const string Base64 = "a string (base64)";

    private const string RegionForms = "\"x1,y1,x2,y2\", an array of four numbers, or four <loc_N> tokens";

    public static InferenceCall Parse(ReadOnlyMemory<byte> body, LimitsOptions limits)
    {
        // RFC 8259 §8.1: a parser may ignore a byte order mark; some Windows tools write one.
        if (body.Span.StartsWith("\uFEFF"u8)) body = body[3..];
        JsonBodyCheck.Check(body.Span);
        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = JsonBodyCheck.MaxDepth });
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw FieldProblems.Body($"The JSON body must be an object such as {{\"image\": \"<base64>\", \"task\": \"od\"}}; got {JsonValues.Describe(document.RootElement)}.");
        var fields = Fields(document.RootElement, prefix: "", KnownFields.IsKnown);

        var encoded = new List<(string Field, string Value)>();
        if (StringField(fields, KnownFields.Image, Base64, "send several images as 'images'") is { } image)
            encoded.Add((KnownFields.Image, image));
        encoded.AddRange(ImagesField(fields));
        if (encoded.Count > limits.MaxImagesPerRequest)
            throw ApiProblemException.Validation(KnownFields.Images,
                $"At most {limits.MaxImagesPerRequest} images may be sent in one request; got {encoded.Count}.");
        var images = encoded.Select(e => new ImageUpload(Base64Image.Decode(e.Value, e.Field, limits.MaxImageBytes), null, e.Field)).ToList();
        return new InferenceCall(
            StringField(fields, KnownFields.Task, "a string"), StringField(fields, KnownFields.Text, "a string"), RegionField(fields),
            IntField(fields, KnownFields.NumBeams), IntField(fields, KnownFields.MaxNewTokens), images)
        {
            MaskFormat = StringField(fields, KnownFields.MaskFormat, "a string"),
            MinScore = NumberField(fields, KnownFields.MinScore),
            Logprobs = BoolField(fields, KnownFields.Logprobs),
            Tasks = fields.TryGetValue(KnownFields.Tasks, out var tasks) ? TaskItems.FromJson(tasks, limits) : null,
        };
    }

    internal static double? NumberField(Dictionary<string, JsonElement> fields, string name)
    {
        if (!fields.TryGetValue(name, out var value)) return null;
        // Past double's range the parser yields infinity, which the range check then refuses with the value shown.
        if (value.ValueKind == JsonValueKind.Number) return value.GetDouble();
        string? hint = value.ValueKind == JsonValueKind.String
            && double.TryParse(JsonValues.GetString(value, name), NumberStyles.Float, CultureInfo.InvariantCulture, out double quoted)
            && double.IsFinite(quoted)
                ? $"write {quoted.ToString("R", CultureInfo.InvariantCulture)} without quotes"
                : null;
        throw FieldProblems.WrongType(name, "a number", JsonValues.Describe(value), hint);
    }

    internal static bool? BoolField(Dictionary<string, JsonElement> fields, string name)
    {
        if (!fields.TryGetValue(name, out var value)) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        string? hint = value.ValueKind == JsonValueKind.String && bool.TryParse(JsonValues.GetString(value, name), out bool quoted)
            ? $"write {(quoted ? "true" : "false")} without quotes"
            : null;
        throw FieldProblems.WrongType(name, "true or false", JsonValues.Describe(value), hint);
    }

    /// <summary>The object's fields by name, after refusing unknown and repeated ones; a null value counts as absent.</summary>
    /// <param name="root">The object.</param>
    /// <param name="prefix">Put before each name, so nested objects' fields are found and named by their path (<c>tasks[0].text</c>).</param>
    /// <param name="isKnown">Which names the object may have.</param>
    internal static Dictionary<string, JsonElement> Fields(JsonElement root, string prefix, Func<string, bool> isKnown)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var unknown = new List<string>();
        var seenUnknown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            string bare = NameOf(property);
            string name = prefix + bare;
            if (!isKnown(bare))
            {
                if (seenUnknown.Add(name)) unknown.Add(name);
                continue;
            }
            counts[name] = counts.GetValueOrDefault(name) + 1;
            if (property.Value.ValueKind != JsonValueKind.Null) fields[name] = property.Value;
        }
        if (unknown.Count > 0) throw FieldProblems.Unknown(unknown);
        // Insertion order: the first field repeated in the body is the one named.
        foreach (var (name, count) in counts)
            if (count > 1) throw FieldProblems.Repeated(name, count);
        return fields;
    }

    private static string NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            throw FieldProblems.Body("A field name in the JSON body has an unpaired surrogate escape (\\uD800 to \\uDFFF without its pair).");
        }
    }

    internal static string? StringField(Dictionary<string, JsonElement> fields, string name, string expected, string? hintForArray = null)
    {
        if (!fields.TryGetValue(name, out var value)) return null;
        return value.ValueKind == JsonValueKind.String
            ? JsonValues.GetString(value, name)
            : throw FieldProblems.WrongType(name, expected, JsonValues.Describe(value), value.ValueKind == JsonValueKind.Array ? hintForArray : null);
    }

    private static IEnumerable<(string Field, string Value)> ImagesField(Dictionary<string, JsonElement> fields)
    {
        if (!fields.TryGetValue(KnownFields.Images, out var images)) return [];
        if (images.ValueKind != JsonValueKind.Array)
            throw FieldProblems.WrongType(KnownFields.Images, "an array of strings (base64)", JsonValues.Describe(images),
                images.ValueKind == JsonValueKind.String ? "send one image as 'image'" : null);
        return images.EnumerateArray().Select((element, i) =>
        {
            string field = $"{KnownFields.Images}[{i}]";
            return element.ValueKind == JsonValueKind.String
                ? (field, JsonValues.GetString(element, field))
                : throw FieldProblems.WrongType(field, Base64, JsonValues.Describe(element));
        }).ToList();
    }

    internal static int? IntField(Dictionary<string, JsonElement> fields, string name)
    {
        if (!fields.TryGetValue(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number)
        {
            string shown = JsonValues.Shown(value);
            return value.TryGetInt32(out int number) ? number : throw FieldProblems.NotAnInt(name, shown, shown);
        }
        // "2" is the usual slip of a client that builds JSON by hand; say what to write instead.
        string? hint = value.ValueKind == JsonValueKind.String
            && int.TryParse(JsonValues.GetString(value, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int quoted)
                ? $"write {quoted.ToString(CultureInfo.InvariantCulture)} without quotes"
                : null;
        throw FieldProblems.WrongType(name, "an integer", JsonValues.Describe(value), hint);
    }

    /// <summary>A region given as a JSON string is used as is; an array of four numbers becomes <c>x1,y1,x2,y2</c>.</summary>
    internal static string? RegionField(Dictionary<string, JsonElement> fields, string name = KnownFields.Region)
    {
        if (!fields.TryGetValue(name, out var region)) return null;
        if (region.ValueKind == JsonValueKind.String) return JsonValues.GetString(region, name);
        if (region.ValueKind != JsonValueKind.Array) throw RegionProblem(name, JsonValues.Describe(region));
        if (region.GetArrayLength() != 4) throw RegionProblem(name, $"an array of {region.GetArrayLength()} values");
        var numbers = new List<string>(4);
        foreach (var (item, i) in region.EnumerateArray().Select((item, i) => (item, i)))
        {
            if (item.ValueKind != JsonValueKind.Number) throw RegionProblem(name, $"an array whose item {i} is {JsonValues.Describe(item)}");
            // Past double's range the parser yields infinity; a coordinate must be a real number.
            if (!item.TryGetDouble(out double number) || !double.IsFinite(number))
                throw RegionProblem(name, $"an array whose item {i} ({JsonValues.Shown(item)}) is beyond the range of a number");
            numbers.Add(number.ToString("R", CultureInfo.InvariantCulture));
        }
        return string.Join(",", numbers);
    }

    private static ApiProblemException RegionProblem(string name, string got) => FieldProblems.WrongType(name, RegionForms, got);
}
