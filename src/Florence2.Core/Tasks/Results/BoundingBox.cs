using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>An axis-aligned box in pixels of the original image: top-left (X1, Y1), bottom-right (X2, Y2).</summary>
public readonly record struct BoundingBox(
    [property: JsonPropertyName("x1")] double X1,
    [property: JsonPropertyName("y1")] double Y1,
    [property: JsonPropertyName("x2")] double X2,
    [property: JsonPropertyName("y2")] double Y2);
