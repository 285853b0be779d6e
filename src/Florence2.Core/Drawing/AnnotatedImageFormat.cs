namespace Florence2.Drawing;

/// <summary>The encodings an annotated image can be answered in.</summary>
public enum AnnotatedImageFormat
{
    Png,
    Jpeg,
    Webp,
}

/// <summary>Media types of <see cref="AnnotatedImageFormat"/>.</summary>
public static class AnnotatedImageFormats
{
    /// <summary>Every supported media type, in order of preference for <c>image/*</c>.</summary>
    public static IReadOnlyList<string> MediaTypes { get; } = ["image/png", "image/jpeg", "image/webp"];

    public static string MediaType(this AnnotatedImageFormat format) => MediaTypes[(int)format];

    /// <summary>The format of a media type (case-insensitive); <c>image/*</c> is PNG.</summary>
    public static bool TryParse(string mediaType, out AnnotatedImageFormat format)
    {
        format = AnnotatedImageFormat.Png;
        if (string.Equals(mediaType, "image/*", StringComparison.OrdinalIgnoreCase)) return true;
        int index = MediaTypes.ToList().FindIndex(m => string.Equals(m, mediaType, StringComparison.OrdinalIgnoreCase));
        if (index < 0) return false;
        format = (AnnotatedImageFormat)index;
        return true;
    }
}
