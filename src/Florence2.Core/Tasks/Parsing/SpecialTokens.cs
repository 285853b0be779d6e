namespace Florence2.Tasks;

/// <summary>
/// Removal of the decoder's special tokens before parsing. Each parser of the reference removes a different subset
/// (spec §10.2–10.6); the names say which.
/// </summary>
internal static class SpecialTokens
{
    public const string Bos = "<s>";
    public const string Eos = "</s>";
    public const string Pad = "<pad>";

    /// <summary>pure_text: <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c>; <c>&lt;pad&gt;</c> is kept.</summary>
    public static string RemoveBosAndEos(string text) =>
        text.Replace(Bos, string.Empty, StringComparison.Ordinal).Replace(Eos, string.Empty, StringComparison.Ordinal);

    /// <summary>Box and polygon parsers: <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c> and <c>&lt;pad&gt;</c>, in that order.</summary>
    public static string RemoveBosEosAndPad(string text) =>
        RemoveBosAndEos(text).Replace(Pad, string.Empty, StringComparison.Ordinal);

    /// <summary>OCR: only <c>&lt;s&gt;</c> (the reference's quirk; see <see cref="PostProcessingOptions.KeepEosInFirstOcrLabel"/>).</summary>
    public static string RemoveBos(string text) => text.Replace(Bos, string.Empty, StringComparison.Ordinal);
}
