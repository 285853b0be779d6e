using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>A point in pixels of the original image.</summary>
public readonly record struct Point2(
    [property: JsonPropertyName("x")] double X,
    [property: JsonPropertyName("y")] double Y);
