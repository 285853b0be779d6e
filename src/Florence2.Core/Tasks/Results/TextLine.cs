using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>
/// One OCR line with its quadrilateral: four corners in the model's order (observed: top-left, top-right, bottom-right,
/// bottom-left).
/// </summary>
public sealed record TextLine(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("quad")] IReadOnlyList<Point2> Quad) : ScoredInstance;
