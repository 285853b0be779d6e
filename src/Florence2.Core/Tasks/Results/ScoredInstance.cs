using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>
/// What every geometry instance of a typed answer (a box, an OCR quadrilateral, a segmented instance) carries about the
/// model's confidence (spec §16): null when the answer was parsed from text alone.
/// </summary>
public abstract record ScoredInstance
{
    /// <summary>
    /// Confidence of the geometry: exp(mean transition log-probability of the loc tokens that form it — a box's four, a
    /// quadrilateral's eight, all the loc tokens of an instance's polygons).
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

    /// <summary>This instance with <paramref name="other"/>'s scores.</summary>
    internal ScoredInstance WithScoresOf(ScoredInstance other) => this with { Score = other.Score, LabelScore = other.LabelScore };
}
