using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>A labelled box (OD, dense captions, region proposals with an empty label, phrase grounding, open vocabulary).</summary>
public sealed record Detection(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("box")] BoundingBox Box)
{
    /// <summary>
    /// Confidence of the box: exp(mean transition log-probability of its four loc tokens) (spec §16.3); null when the
    /// answer was parsed from text alone.
    /// </summary>
    [JsonPropertyName("score")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Score { get; init; }

    /// <summary>
    /// Confidence of the label: exp(mean transition log-probability of the label's tokens); present only when the
    /// label is not empty and the answer carries scores.
    /// </summary>
    [JsonPropertyName("label_score")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LabelScore { get; init; }
}
