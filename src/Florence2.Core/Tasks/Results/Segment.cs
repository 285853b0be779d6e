using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>
/// One segmented instance: a label (empty for the segmentation tasks) and one or more polygons, each a list of points.
/// A polygon may be empty when the model produced a single stray coordinate (the reference keeps it too).
/// The service adds what the rasterised polygons cover (see the README's "Segmentation masks"): box, area, and the mask in the
/// format asked for.
/// </summary>
public sealed record Segment(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("polygons")] IReadOnlyList<IReadOnlyList<Point2>> Polygons) : ScoredInstance
{
    /// <summary>Tight box around the mask's pixels, in pixel edges (x2 − x1 pixels wide); absent when the mask is empty.</summary>
    [JsonPropertyName("bbox")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BoundingBox? Bbox { get; init; }

    /// <summary>Pixels inside the mask.</summary>
    [JsonPropertyName("area")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Area { get; init; }

    /// <summary>The mask in COCO compressed RLE, when <c>mask_format=rle</c>.</summary>
    [JsonPropertyName("rle")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CocoRle? Rle { get; init; }

    /// <summary>The mask as a base64 single-channel PNG (255 inside), when <c>mask_format=png</c>.</summary>
    [JsonPropertyName("mask_png")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MaskPng { get; init; }
}
