using Florence2.Serving;
using Florence2.Service.Problems;
using Florence2.Service.Reading;

namespace Florence2.Service.Calls;

/// <summary>What the HTTP upload itself claims, checked against what its bytes turned out to be.</summary>
internal static class UploadChecks
{
    /// <summary>How messages name an upload: its file name (or JSON field) when it has one.</summary>
    public static string NameOf(ImageUpload upload) => string.IsNullOrEmpty(upload.Name) ? "The image" : $"Image '{upload.Name}'";

    /// <summary>
    /// A part that declares an image type must carry that type: a mismatch usually means a client bug, and trusting
    /// either side silently would hide it. Generic types (application/octet-stream, none) are fine.
    /// </summary>
    public static void CheckDeclaredType(ImageUpload upload, string formatName)
    {
        string? declared = upload.DeclaredContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (declared is null || !declared.StartsWith("image/", StringComparison.Ordinal)) return;
        string? expected = declared switch
        {
            "image/jpeg" or "image/jpg" or "image/pjpeg" => "JPEG",
            "image/png" => "PNG",
            "image/webp" => "WEBP",
            _ => null,
        };
        if (!string.Equals(expected, formatName, StringComparison.OrdinalIgnoreCase))
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "Content type mismatch",
                $"{NameOf(upload)} is declared as '{declared}' but its bytes are a {formatName.ToUpperInvariant()} image.", RequestFields.Image);
    }
}
