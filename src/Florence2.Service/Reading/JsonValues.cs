using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Florence2.Service.Reading;

/// <summary>JSON values as messages show them: what was sent, in JSON's terms, never a .NET type.</summary>
internal static class JsonValues
{
    /// <summary>Enough UTF-8 for <see cref="Serving.RequestFields.Quote"/>'s 40 characters even at 4 bytes each.</summary>
    private const int ShownBytes = 4 * 40;

    /// <summary><c>a string ("2")</c>, <c>2.5</c>, <c>true</c>, <c>null</c>, <c>an array</c>, <c>an object</c>.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"a string ({Shown(value)})",
        JsonValueKind.Number => Shown(value),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    /// <summary>The value as written in the body (a string with its quotes), cut short without copying a large one.</summary>
    public static string Shown(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        return Serving.RequestFields.Quote(Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, ShownBytes)]));
    }

    /// <summary>
    /// The string, or 400 for <paramref name="field"/> when an escape is an unpaired surrogate (<c>\uD800</c>), which
    /// the parser accepts but no string can hold.
    /// </summary>
    public static string GetString(JsonElement value, string field)
    {
        try
        {
            return value.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            throw FieldProblems.Invalid(field, "has an unpaired surrogate escape (\\uD800 to \\uDFFF without its pair)");
        }
    }
}
