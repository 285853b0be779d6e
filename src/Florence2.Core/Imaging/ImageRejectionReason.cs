namespace Florence2.Imaging;

/// <summary>Why an upload was refused; the HTTP layer maps these to status codes.</summary>
public enum ImageRejectionReason
{
    /// <summary>Not JPEG, PNG or WebP (HTTP 415).</summary>
    UnsupportedFormat,

    /// <summary>Over a byte, side-length, pixel or allocation limit (HTTP 413).</summary>
    TooLarge,

    /// <summary>Recognised format but corrupt, truncated or using an unsupported feature (HTTP 422).</summary>
    Undecodable,

    /// <summary>No bytes at all (HTTP 422 or 400).</summary>
    Empty,
}
