using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>
/// One OCR line with its quadrilateral: four corners in the model's order (observed: top-left, top-right, bottom-right,
/// bottom-left).
/// </summary>
public sealed record TextLine(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("quad")] IReadOnlyList<Point2> Quad)
{
    /// <summary>
    /// Confidence of the quadrilateral: exp(mean transition log-probability of its eight loc tokens) (spec §16.3); null when the
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
