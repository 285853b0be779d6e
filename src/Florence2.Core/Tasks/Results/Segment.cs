using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>
/// One segmented instance: a label (empty for the segmentation tasks) and one or more polygons, each a list of points.
/// A polygon may be empty when the model produced a single stray coordinate (the reference keeps it too).
/// </summary>
public sealed record Segment(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("polygons")] IReadOnlyList<IReadOnlyList<Point2>> Polygons) : ScoredInstance;
