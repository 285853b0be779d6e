using Florence2.Tokenization;

namespace Florence2.Tests.Tokenization;

public sealed class Florence2TokenizerTests
{
    private static readonly Lazy<Florence2Tokenizer> Shared = new(() => Florence2Tokenizer.Load(TestAssets.Directory));
    private static Florence2Tokenizer Tokenizer => Shared.Value;

    // Spec §5.3 golden vectors (transformers.js and HF integration tests).
    [Theory]
    [InlineData("describe", new[] { 0, 45091, 21700, 2 })]
    [InlineData("Locate cat in the image.", new[] { 0, 574, 22486, 4758, 11, 5, 2274, 4, 2 })]
    [InlineData("Describe in detail what is shown in the image.", new[] { 0, 47066, 21700, 11, 4617, 99, 16, 2343, 11, 5, 2274, 4, 2 })]
    [InlineData("Locate the region proposals in the image.", new[] { 0, 574, 22486, 5, 976, 5327, 11, 5, 2274, 4, 2 })]
    [InlineData("Locate wheels in the image.", new[] { 0, 574, 22486, 10562, 11, 5, 2274, 4, 2 })]
    [InlineData("Locate a car in the image with mask", new[] { 0, 574, 22486, 10, 512, 11, 5, 2274, 19, 11445, 2 })]
    [InlineData("What is the text in the image?", new[] { 0, 2264, 16, 5, 2788, 11, 5, 2274, 116, 2 })]
    [InlineData("Locate the objects with category name in the image.", new[] { 0, 574, 22486, 5, 8720, 19, 4120, 766, 11, 5, 2274, 4, 2 })]
    public void EncodePrompt_matches_reference_ids(string prompt, int[] expected)
    {
        Assert.Equal(expected, Tokenizer.EncodePrompt(prompt));
    }

    [Fact]
    public void Location_tokens_are_atomic_and_the_space_before_them_is_its_own_token()
    {
        int[] ids = Tokenizer.EncodePrompt("What is the region <loc_52><loc_332><loc_932><loc_774>?");
        int loc0 = Tokenizer.Specials.FirstLocationId;
        Assert.Equal(50269, loc0);
        // "What is the region " → What, Ġis, Ġthe, Ġregion, Ġ ; then four loc ids; then "?".
        Assert.Equal(new[] { 0, 2264, 16, 5, 976, 1437, loc0 + 52, loc0 + 332, loc0 + 932, loc0 + 774, 116, 2 }, ids);
    }

    [Theory]
    [InlineData("<od>", 50265)]
    [InlineData("</ocr>", 50268)]
    [InlineData("<loc_0>", 50269)]
    [InlineData("<loc_999>", 51268)]
    [InlineData("<cap>", 51269)]
    [InlineData("<region_to_desciption>", 51282)]
    [InlineData("<poly>", 51286)]
    [InlineData("<and>", 51288)]
    public void Florence_tokens_encode_to_one_id(string token, int id)
    {
        Assert.Equal(new[] { id }, Tokenizer.EncodeRaw(token));
        Assert.Equal(token, Tokenizer.Decode([id]));
    }

    [Fact]
    public void Task_markers_are_not_tokens()
    {
        // "<OD>" is only a processor key; if it reached the tokenizer it would be BPE'd into pieces.
        Assert.True(Tokenizer.EncodeRaw("<OD>").Length > 1);
    }

    [Fact]
    public void Vocabulary_covers_all_51289_ids()
    {
        Assert.Equal(51289, Tokenizer.VocabularySize);
    }

    [Fact]
    public void Decode_keeps_special_tokens_and_round_trips_text()
    {
        int loc0 = Tokenizer.Specials.FirstLocationId;
        var ids = new List<int> { 2, 0, 0 };
        ids.AddRange(Tokenizer.EncodeRaw("car"));
        ids.AddRange([loc0 + 53, loc0 + 333, loc0 + 933, loc0 + 774]);
        ids.Add(2);
        Assert.Equal("</s><s><s>car<loc_53><loc_333><loc_933><loc_774></s>", Tokenizer.Decode(ids));
    }

    [Theory]
    [InlineData("A green car parked in front of a yellow building.")]
    [InlineData("Ünïcödé 汽车 — emoji 🚗 and tabs\tand\nnewlines")]
    public void Decode_inverts_encode_for_text(string text)
    {
        Assert.Equal(text, Tokenizer.Decode(Tokenizer.EncodeRaw(text)));
    }

    [Fact]
    public void Decode_applies_hugging_face_cleanup()
    {
        // The model may emit " ." as a separate token; HF's clean-up glues punctuation and contractions back.
        int[] ids = [.. Tokenizer.EncodeRaw("Hello"), .. Tokenizer.EncodeRaw(" ."), .. Tokenizer.EncodeRaw(" n't"), .. Tokenizer.EncodeRaw(" ?")];
        Assert.Equal("Hello.n't?", Tokenizer.Decode(ids));
    }

    [Fact]
    public void Decode_replaces_invalid_utf8_instead_of_failing()
    {
        // Byte 0xC3 (the lead byte of 'é') is its own vocabulary entry "Ã"; alone it is invalid UTF-8 and must
        // become U+FFFD, as errors="replace" does, with the special tokens around it untouched.
        var vocab = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(TestAssets.File("vocab.json")))!;
        int leadByteOnly = vocab["\u00C3"];
        Assert.Equal("<s>\uFFFD</s>", Tokenizer.Decode([0, leadByteOnly, 2]));
    }

    [Fact]
    public void Missing_file_is_named()
    {
        string empty = Directory.CreateTempSubdirectory().FullName;
        var ex = Assert.Throws<FileNotFoundException>(() => Florence2Tokenizer.Load(empty));
        Assert.Contains("vocab.json", ex.Message);
    }
}
