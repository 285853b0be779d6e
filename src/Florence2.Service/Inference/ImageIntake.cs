using Florence2.Imaging;
using Florence2.Service.Api.Problems;
using Florence2.Service.Api.Reading;

namespace Florence2.Service.Inference;

/// <summary>Decodes an upload safely and resizes it for the model, mapping refusals to 413/415/422.</summary>
internal static class ImageIntake
{
    public static (PreparedImage Image, int Width, int Height) Prepare(ImageUpload upload, SafeImageDecoder decoder, ImagePreprocessor images)
    {
        try
        {
            using var decoded = decoder.Decode(upload.Bytes);
            CheckDeclaredType(upload, decoded.FormatName);
            return (images.Prepare(decoded), decoded.Width, decoded.Height);
        }
        catch (ImageRejectedException ex)
        {
            throw ex.Reason switch
            {
                ImageRejectionReason.UnsupportedFormat => new ApiProblemException(StatusCodes.Status415UnsupportedMediaType,
                    "Unsupported image format", $"{Name(upload)}: {ex.Message}", "image"),
                ImageRejectionReason.TooLarge => new ApiProblemException(StatusCodes.Status413PayloadTooLarge,
                    "Image too large", $"{Name(upload)}: {ex.Message}", "image"),
                ImageRejectionReason.Empty => ApiProblemException.Validation("image", $"{Name(upload)} is empty."),
                _ => new ApiProblemException(StatusCodes.Status422UnprocessableEntity,
                    "Undecodable image", $"{Name(upload)}: {ex.Message}", "image"),
            };
        }
    }

    /// <summary>
    /// A part that declares an image type must carry that type: a mismatch usually means a client bug, and trusting
    /// either side silently would hide it. Generic types (application/octet-stream, none) are fine.
    /// </summary>
    private static void CheckDeclaredType(ImageUpload upload, string formatName)
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
                $"{Name(upload)} is declared as '{declared}' but its bytes are a {formatName.ToUpperInvariant()} image.", "image");
    }

    private static string Name(ImageUpload upload) => string.IsNullOrEmpty(upload.Name) ? "The image" : $"Image '{upload.Name}'";
}
