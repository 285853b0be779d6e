using Florence2.Tests;
using Florence2.Tokenization;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>Scripted fixture models: the decoder emits a given text (then EOS) whatever the image and prompt.</summary>
public static class Scripts
{
    private static readonly Lazy<Florence2Tokenizer> SharedTokenizer = new(() => Florence2Tokenizer.Load(TestAssets.Directory));

    public static Florence2Tokenizer Tokenizer => SharedTokenizer.Value;

    /// <summary>The model folder of a decoder that writes <paramref name="script"/> (e.g. <c>&lt;s&gt;car&lt;loc_1&gt;…</c>).</summary>
    public static string Model(string script) => TestModels.Scripted(Tokenizer.EncodeRaw(script));

    /// <summary>
    /// One instance of two overlapping quadrilaterals on 640×480: about (64, 53)-(327, 243) and (186, 139)-(455, 336),
    /// overlapping around (256, 192); (120, 90) is inside the first only and (600, 420) outside both.
    /// No three coordinates repeat in order: the model's no_repeat_ngram_size of 3 would ban the repeat.
    /// </summary>
    public const string OverlappingQuads =
        "<s><poly><loc_100><loc_110><loc_500><loc_120><loc_510><loc_505><loc_90><loc_495>" +
        "<sep><loc_300><loc_310><loc_700><loc_290><loc_710><loc_700><loc_290><loc_690></poly>";

    /// <summary>
    /// A script of <paramref name="length"/> distinct location tokens: the decoder runs exactly that many steps (no
    /// repeated n-gram, no early EOS), so a request with a large <c>max_new_tokens</c> keeps a worker busy for a while.
    /// </summary>
    public static string Long(int length = 1000) =>
        "<s>" + string.Concat(Enumerable.Range(0, length).Select(i => $"<loc_{i % 1000}>"));
}
