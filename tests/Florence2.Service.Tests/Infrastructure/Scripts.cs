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
    /// A script of <paramref name="length"/> distinct location tokens: the decoder runs exactly that many steps (no
    /// repeated n-gram, no early EOS), so a request with a large <c>max_new_tokens</c> keeps a worker busy for a while.
    /// </summary>
    public static string Long(int length = 1000) =>
        "<s>" + string.Concat(Enumerable.Range(0, length).Select(i => $"<loc_{i % 1000}>"));
}
