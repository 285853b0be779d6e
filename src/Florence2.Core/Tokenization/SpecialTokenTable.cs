namespace Florence2.Tokenization;

/// <summary>
/// The tokens that are never split by BPE: BART's specials (<c>&lt;s&gt;</c>, <c>&lt;pad&gt;</c>, <c>&lt;/s&gt;</c>,
/// <c>&lt;unk&gt;</c>, <c>&lt;mask&gt;</c>) and Florence-2's 1024 added tokens (<c>&lt;loc_0&gt;</c>…, <c>&lt;poly&gt;</c>, …).
/// </summary>
public sealed class SpecialTokenTable
{
    private static readonly string[] BartSpecials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"];

    private SpecialTokenTable(Dictionary<string, int> byContent)
    {
        ByContent = byContent;
        AllById = byContent.ToDictionary(p => p.Value, p => p.Key);
        Bos = byContent["<s>"];
        Pad = byContent["<pad>"];
        Eos = byContent["</s>"];
        FirstLocationId = byContent.TryGetValue("<loc_0>", out int loc0) ? loc0 : -1;
    }

    /// <summary>Special token text → id.</summary>
    public IReadOnlyDictionary<string, int> ByContent { get; }

    /// <summary>Special token id → text.</summary>
    public IReadOnlyDictionary<int, string> AllById { get; }

    public int Bos { get; }
    public int Pad { get; }
    public int Eos { get; }

    /// <summary>Id of <c>&lt;loc_0&gt;</c>; <c>&lt;loc_N&gt;</c> = this + N.</summary>
    public int FirstLocationId { get; }

    public bool IsSpecial(int id) => AllById.ContainsKey(id);

    internal static SpecialTokenTable Create(IReadOnlyDictionary<string, int> vocabulary, IReadOnlyDictionary<string, int> added)
    {
        var byContent = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string token in BartSpecials)
        {
            if (!vocabulary.TryGetValue(token, out int id))
                throw new InvalidDataException($"vocab.json has no '{token}' entry; it is not a BART/Florence-2 vocabulary.");
            byContent[token] = id;
        }
        foreach (var (token, id) in added)
            byContent[token] = id;
        return new SpecialTokenTable(byContent);
    }
}
