namespace Florence2.Service.Reading;

/// <summary>
/// A place in a JSON body as people look for it: line and byte within the line, both counted from 1 (the parser
/// counts from 0). Bytes rather than characters, because the place may be a byte that is no character at all.
/// Lines end at <c>\n</c>, as the parser counts them.
/// </summary>
internal readonly record struct JsonPosition(long Line, long Byte)
{
    public static JsonPosition Of(ReadOnlySpan<byte> body, long offset)
    {
        var before = body[..(int)Math.Clamp(offset, 0, body.Length)];
        return new JsonPosition(before.Count((byte)'\n') + 1, before.Length - before.LastIndexOf((byte)'\n'));
    }

    /// <summary>The offset in <paramref name="body"/> of the parser's 0-based line and byte in that line.</summary>
    public static int OffsetOf(ReadOnlySpan<byte> body, long line, long byteInLine)
    {
        int lineStart = 0;
        for (long i = 0; i < line; i++)
        {
            int next = body[lineStart..].IndexOf((byte)'\n');
            if (next < 0) return body.Length;
            lineStart += next + 1;
        }
        return (int)Math.Min(body.Length, lineStart + byteInLine);
    }

    public override string ToString() => $"line {Line}, byte {Byte}";
}
