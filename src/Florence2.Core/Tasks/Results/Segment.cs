using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>
/// One segmented instance: a label (empty for the segmentation tasks) and one or more polygons, each a list of points.
/// A polygon may be empty when the model produced a single stray coordinate (the reference keeps it too).
/// </summary>
public sealed record Segment(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("polygons")] IReadOnlyList<IReadOnlyList<Point2>> Polygons)
{
    /// <summary>
    /// Confidence of the instance's polygons: exp(mean transition log-probability of all their loc tokens) (spec §16.3); null when the
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
