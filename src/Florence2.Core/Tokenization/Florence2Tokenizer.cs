using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Florence2.Tokenization;

/// <summary>
/// Florence-2's tokenizer: BART byte-level BPE (vocab.json + merges.txt) with the 1024 Florence tokens of
/// added_tokens.json kept atomic, prompts wrapped in <c>&lt;s&gt;…&lt;/s&gt;</c>, and decoding that keeps special
/// tokens and applies Hugging Face's clean-up (spec §5).
/// </summary>
/// <remarks>Immutable after construction and safe to share between threads.</remarks>
public sealed class Florence2Tokenizer
{
    /// <summary>GPT-2's pre-tokenizer pattern, as in tokenizer.json's ByteLevel pre-tokenizer (use_regex = true).</summary>
    private const string Gpt2Pattern =
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly BpeTokenizer _bpe;
    private readonly ByteLevelDetokenizer _detokenizer;

    private Florence2Tokenizer(BpeTokenizer bpe, ByteLevelDetokenizer detokenizer, SpecialTokenTable specials)
    {
        _bpe = bpe;
        _detokenizer = detokenizer;
        Specials = specials;
    }

    /// <summary>The special and added tokens with their ids.</summary>
    public SpecialTokenTable Specials { get; }

    /// <summary>Number of ids (base vocabulary + added tokens); 51289 for Florence-2.</summary>
    public int VocabularySize => _detokenizer.VocabularySize;

    /// <summary>Loads vocab.json, merges.txt and added_tokens.json from a model folder.</summary>
    /// <exception cref="FileNotFoundException">A tokenizer file is missing; the message names it.</exception>
    public static Florence2Tokenizer Load(string modelDirectory)
    {
        string vocabPath = RequireFile(modelDirectory, "vocab.json");
        string mergesPath = RequireFile(modelDirectory, "merges.txt");
        string addedPath = RequireFile(modelDirectory, "added_tokens.json");

        var vocabulary = ReadIdMap(vocabPath);
        var added = ReadIdMap(addedPath);
        var specials = SpecialTokenTable.Create(vocabulary, added);

        var options = new BpeOptions(vocabPath, mergesPath)
        {
            ByteLevel = true,
            SpecialTokens = specials.ByContent,
            PreTokenizer = new RegexPreTokenizer(new Regex(Gpt2Pattern, RegexOptions.Compiled), specials.ByContent),
        };
        var bpe = BpeTokenizer.Create(options);
        return new Florence2Tokenizer(bpe, new ByteLevelDetokenizer(vocabulary, specials), specials);
    }

    /// <summary>
    /// Encodes a prompt exactly as Hugging Face's fast tokenizer does for Florence-2: added tokens split out first,
    /// GPT-2 pre-tokenization, byte-level BPE, then <c>&lt;s&gt;</c> (0) … <c>&lt;/s&gt;</c> (2).
    /// </summary>
    public int[] EncodePrompt(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _bpe.EncodeToIds(text, considerPreTokenization: true, considerNormalization: false);
        var result = new int[ids.Count + 2];
        result[0] = Specials.Bos;
        for (int i = 0; i < ids.Count; i++) result[i + 1] = ids[i];
        result[^1] = Specials.Eos;
        return result;
    }

    /// <summary>Encodes text without the <c>&lt;s&gt;…&lt;/s&gt;</c> wrapping (used e.g. to script fixture decoders).</summary>
    public int[] EncodeRaw(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _bpe.EncodeToIds(text, considerPreTokenization: true, considerNormalization: false).ToArray();
    }

    /// <summary>
    /// Decodes generated ids as <c>batch_decode(ids, skip_special_tokens=False)</c> does: special tokens verbatim,
    /// byte-level tokens back to UTF-8 (invalid sequences become U+FFFD), then HF's clean-up of spaces before
    /// punctuation and contractions.
    /// </summary>
    public string Decode(IEnumerable<int> ids) => TokenizationCleanup.Apply(_detokenizer.Decode(ids));

    /// <summary>
    /// One token's text as the reference's <c>decode_with_spans</c> writes it: a special token literally, any other token
    /// decoded on its own (a piece of a multi-byte character becomes U+FFFD) and without clean-up; an unknown id is "".
    /// </summary>
    public string DecodeToken(int id) => _detokenizer.Decode([id]);

    private static string RequireFile(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Tokenizer file '{name}' was not found in '{directory}'.", path);
        return path;
    }

    private static Dictionary<string, int> ReadIdMap(string path)
    {
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<Dictionary<string, int>>(stream)
            ?? throw new InvalidDataException($"'{path}' is not a JSON object of token → id.");
    }
}
