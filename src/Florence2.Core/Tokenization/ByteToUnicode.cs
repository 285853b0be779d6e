namespace Florence2.Tokenization;

/// <summary>GPT-2's reversible byte ↔ printable-character table used by byte-level BPE.</summary>
internal static class ByteToUnicode
{
    /// <summary>
    /// Bytes 33–126, 161–172 and 174–255 map to the same code point; the other 68 bytes map to U+0100 + k in
    /// increasing byte order (so space becomes 'Ġ' U+0120 and newline 'Ċ' U+010A).
    /// </summary>
    public static IReadOnlyDictionary<byte, char> Table()
    {
        var table = new Dictionary<byte, char>(256);
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 and <= 255;
            table[(byte)b] = printable ? (char)b : (char)(256 + next++);
        }
        return table;
    }
}
