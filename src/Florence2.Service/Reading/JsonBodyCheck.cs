using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Florence2.Service.Problems;

namespace Florence2.Service.Reading;

/// <summary>
/// The first look at a JSON body, before any field is read: is it JSON, UTF-8 throughout, and at most
/// <see cref="MaxDepth"/> levels deep. Each refusal says where (<see cref="JsonPosition"/>) in the service's own
/// words: the parser's messages speak of reader options and final blocks, and the field it was in when it stopped is
/// not the field at fault. Syntax errors name no field; invalid UTF-8 names the field whose value holds it.
/// </summary>
internal static class JsonBodyCheck
{
    /// <summary>Nesting allowed: a request needs two (the object, then <c>images</c> or <c>region</c>).</summary>
    public const int MaxDepth = 8;

    public static void Check(ReadOnlySpan<byte> body)
    {
        if (body.Trim(" \t\r\n"u8).IsEmpty)
            throw FieldProblems.Body("The JSON body is empty; send an object such as {\"image\": \"<base64>\", \"task\": \"od\"}.");
        // One level more for the parser, so that this loop meets the token that is too deep and words the refusal.
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        string? field = null;
        bool valueComplete = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= MaxDepth)
                    throw FieldProblems.Body($"The JSON body nests deeper than {MaxDepth} levels ({JsonPosition.Of(body, reader.TokenStartIndex)}).");
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    bool topLevelName = reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1;
                    CheckUtf8(body, reader.ValueSpan, reader.TokenStartIndex + 1, topLevelName ? null : field);
                    // Until the next top-level name, every token is part of this field's value.
                    if (topLevelName) field = KnownName(ref reader);
                }
                valueComplete = reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray);
            }
        }
        catch (JsonException ex)
        {
            throw Syntax(body, JsonPosition.OffsetOf(body, ex.LineNumber ?? 0, ex.BytePositionInLine ?? 0), valueComplete);
        }
    }

    private static string? KnownName(ref Utf8JsonReader reader)
    {
        foreach (string known in KnownFields.All)
            if (reader.ValueTextEquals(known)) return known;
        return null;
    }

    /// <summary>The parser leaves UTF-8 inside strings to whoever reads them; this finds the first bad byte for them.</summary>
    private static void CheckUtf8(ReadOnlySpan<byte> body, ReadOnlySpan<byte> text, long textOffset, string? field)
    {
        if (Utf8.IsValid(text)) return;
        Span<char> scratch = stackalloc char[256];
        int offset = 0;
        // Transcoding stops at the first invalid sequence and says how far it got: that is the byte to report.
        while (true)
        {
            var status = Utf8.ToUtf16(text[offset..], scratch, out int read, out _, replaceInvalidSequences: false);
            offset += read;
            if (status != OperationStatus.DestinationTooSmall) break;
        }
        throw NotUtf8(body, textOffset + offset, field);
    }

    private static ApiProblemException NotUtf8(ReadOnlySpan<byte> body, long offset, string? field)
    {
        var position = JsonPosition.Of(body, offset);
        return field is null
            ? FieldProblems.Body($"The JSON body is not valid UTF-8 ({position}).")
            : FieldProblems.Invalid(field, $"is not valid UTF-8 ({position})");
    }

    private static ApiProblemException Syntax(ReadOnlySpan<byte> body, int offset, bool afterValue)
    {
        if (offset < body.Length && body[offset] >= 0x80 && Rune.DecodeFromUtf8(body[offset..], out _, out _) != OperationStatus.Done)
            return NotUtf8(body, offset, null);
        (string what, int at) = WhatIsWrong(body, offset, afterValue);
        return FieldProblems.Body($"The body is not valid JSON: {what} ({JsonPosition.Of(body, at)}).");
    }

    /// <summary>What the parser tripped over, named from the byte it stopped at (its own messages are not for clients).</summary>
    private static (string What, int Offset) WhatIsWrong(ReadOnlySpan<byte> body, int offset, bool afterValue)
    {
        if (offset >= body.Length) return ("it ends before the JSON value is complete", body.Length);
        if (afterValue) return ("more follows the end of the JSON value", offset);
        byte b = body[offset];
        if (b < 0x20) return ($"control character 0x{b:X2}; inside a string write it as \\u{b:X4}", offset);
        if (b == '/') return ("a comment, which JSON does not allow", offset);
        if (b == '\'') return ("a single quote; JSON strings and names take double quotes", offset);
        if (b is (byte)'}' or (byte)']' && body[..offset].TrimEnd(" \t\r\n"u8) is [.., (byte)',']) return ($"a trailing comma before '{(char)b}'", offset);
        if (WordAt(body, offset) is { } word) return ($"unexpected '{Serving.RequestFields.Quote(Encoding.ASCII.GetString(body[word]))}'", word.Start.Value);
        Rune.DecodeFromUtf8(body[offset..], out var character, out _);
        return ($"unexpected '{character}'", offset);
    }

    /// <summary>
    /// The bare word at or just before <paramref name="offset"/> (<c>not</c> in "not json", <c>tru</c> in "tru}",
    /// <c>NaN</c>): the parser stops inside or after it, but the word is what is wrong. A complete literal
    /// (true, false, null) before the offset is fine, so the fault is the byte after it.
    /// </summary>
    private static Range? WordAt(ReadOnlySpan<byte> body, int offset)
    {
        int start = offset;
        if (!char.IsAsciiLetter((char)body[start]))
        {
            if (start == 0 || !char.IsAsciiLetter((char)body[start - 1])) return null;
            start--;
        }
        while (start > 0 && char.IsAsciiLetter((char)body[start - 1])) start--;
        int end = start;
        while (end < body.Length && char.IsAsciiLetter((char)body[end])) end++;
        bool literal = body[start..end] is var word && (word.SequenceEqual("true"u8) || word.SequenceEqual("false"u8) || word.SequenceEqual("null"u8));
        return literal && offset >= end ? null : start..end;
    }
}
