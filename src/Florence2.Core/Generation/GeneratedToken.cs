using System.Text.Json.Serialization;

namespace Florence2.Generation;

/// <summary>
/// One generated token (the decoder start token excluded): its id, its text as the reference's
/// <c>decode_with_spans</c> writes it (special tokens literally, any other token decoded alone, without clean-up), and its
/// transition log-probability (spec §16.1).
/// </summary>
/// <param name="Id">Token id.</param>
/// <param name="Text">The token's own text; concatenated, the texts are the text confidence spans are measured in.</param>
/// <param name="LogProb">
/// Natural-log probability of the token at the step that produced it. A token whose probability was exactly 0 (possible
/// only when a logits processor had blocked every choice) is reported as the lowest float, −3.4e38: JSON has no −∞.
/// </param>
public sealed record GeneratedToken(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("logprob")] float LogProb)
{
    /// <summary>A log-probability JSON can carry: −∞ becomes the lowest float; NaN (never produced) too.</summary>
    public static float Finite(float logProb) => float.IsFinite(logProb) ? logProb : float.MinValue;

    /// <summary>The same for a sequence score.</summary>
    public static double Finite(double score) => double.IsFinite(score) ? score : float.MinValue;
}
