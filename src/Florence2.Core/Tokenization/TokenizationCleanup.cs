namespace Florence2.Tokenization;

/// <summary>
/// Hugging Face's <c>clean_up_tokenization</c> (tokenizer_config.json has <c>clean_up_tokenization_spaces: true</c>):
/// plain string replacements, in this order.
/// </summary>
public static class TokenizationCleanup
{
    private static readonly (string From, string To)[] Replacements =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
        (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    public static string Apply(string text)
    {
        foreach (var (from, to) in Replacements)
            text = text.Replace(from, to, StringComparison.Ordinal);
        return text;
    }
}
