using System.Text;

namespace Florence2.Tokenization;

/// <summary>
/// Turns ids back into text the way HF's fast tokenizer does with a ByteLevel decoder: special tokens are emitted
/// verbatim; runs of ordinary tokens are mapped character → byte through the inverse of GPT-2's
/// <c>bytes_to_unicode</c> table and decoded as UTF-8 with replacement characters for invalid sequences.
/// </summary>
internal sealed class ByteLevelDetokenizer
{
    private readonly string?[] _tokenById;
    private readonly bool[] _isSpecial;
    private readonly Dictionary<char, byte> _byteOfChar;

    public ByteLevelDetokenizer(IReadOnlyDictionary<string, int> vocabulary, SpecialTokenTable specials)
    {
        int size = Math.Max(vocabulary.Values.Max(), specials.AllById.Keys.Max()) + 1;
        _tokenById = new string?[size];
        _isSpecial = new bool[size];
        foreach (var (token, id) in vocabulary) _tokenById[id] = token;
        foreach (var (id, token) in specials.AllById)
        {
            _tokenById[id] = token;
            _isSpecial[id] = true;
        }
        _byteOfChar = ByteToUnicode.Table().ToDictionary(p => p.Value, p => p.Key);
        VocabularySize = size;
    }

    public int VocabularySize { get; }

    public string Decode(IEnumerable<int> ids)
    {
        var text = new StringBuilder();
        var pending = new List<byte>();
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)_tokenById.Length || _tokenById[id] is not { } token)
                continue; // HF skips ids it does not know rather than failing the whole decode.
            if (_isSpecial[id])
            {
                Flush(pending, text);
                text.Append(token);
                continue;
            }
            foreach (char c in token)
            {
                if (_byteOfChar.TryGetValue(c, out byte b)) pending.Add(b);
            }
        }
        Flush(pending, text);
        return text.ToString();
    }

    private static void Flush(List<byte> pending, StringBuilder text)
    {
        if (pending.Count == 0) return;
        // Encoding.UTF8 replaces each maximal invalid subsequence with U+FFFD, like Rust's from_utf8_lossy.
        text.Append(Encoding.UTF8.GetString(pending.ToArray()));
        pending.Clear();
    }
}
