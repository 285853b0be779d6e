using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Florence2.Serving;

/// <summary>
/// How answers are written as JSON everywhere (the REST API, the CLI): snake_case like the request fields and Python
/// clients, dictionary keys as they are (the HF dictionary is keyed by task tokens), readable tokens (no \u003C
/// escapes), nulls left out.
/// </summary>
public static class AnswerJson
{
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return options;
    }
}
