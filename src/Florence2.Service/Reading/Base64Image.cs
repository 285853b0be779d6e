using Florence2.Service.Problems;

namespace Florence2.Service.Reading;

/// <summary>Decodes a base64 image from JSON, with or without a <c>data:…;base64,</c> prefix.</summary>
internal static class Base64Image
{
    public static byte[] Decode(string value, string field, int maxBytes)
    {
        ReadOnlySpan<char> text = value.AsSpan().Trim();
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            int comma = text.IndexOf(',');
            if (comma < 0 || !text[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                throw ApiProblemException.Validation(field, $"'{field}' is a data URL but not a base64 one.");
            text = text[(comma + 1)..];
        }
        if ((long)text.Length * 3 / 4 > maxBytes + 3L) throw BoundedBody.TooLarge("image", maxBytes);
        var bytes = new byte[text.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64Chars(text, bytes, out int written))
            throw ApiProblemException.Validation(field, $"'{field}' is not valid base64.");
        if (written > maxBytes) throw BoundedBody.TooLarge("image", maxBytes);
        return bytes.AsSpan(0, written).ToArray();
    }
}
