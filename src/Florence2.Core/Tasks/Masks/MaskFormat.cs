namespace Florence2.Tasks;

/// <summary>How segments carry their masks besides the polygons (request field <c>mask_format</c>).</summary>
public enum MaskFormat
{
    /// <summary>Polygons only (the default, the model's own output), with each segment's box and area.</summary>
    Polygon,

    /// <summary>Also COCO run-length encoding: <c>{"size":[h,w],"counts":"…"}</c>, column-major, compressed string.</summary>
    Rle,

    /// <summary>Also a base64 single-channel 8-bit PNG of the image's size, 255 inside and 0 outside.</summary>
    Png,
}

/// <summary>The names callers use for <see cref="MaskFormat"/>.</summary>
public static class MaskFormats
{
    /// <summary>Every accepted name, in the order messages list them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["polygon", "rle", "png"];

    /// <summary>Reads a caller's name (case-insensitive, surrounding blanks ignored); false for anything else.</summary>
    public static bool TryParse(string? name, out MaskFormat format)
    {
        format = MaskFormat.Polygon;
        switch (name?.Trim().ToLowerInvariant())
        {
            case "polygon": return true;
            case "rle": format = MaskFormat.Rle; return true;
            case "png": format = MaskFormat.Png; return true;
            default: return false;
        }
    }

    /// <summary>True when the task's answer has polygons, the only answers a mask format changes.</summary>
    public static bool AppliesTo(Florence2Task task) =>
        task.PostProcessing is PostProcessingType.Polygons or PostProcessingType.DescriptionWithPolygons
            or PostProcessingType.DescriptionWithBboxesOrPolygons;
}
