namespace Florence2.Imaging;

/// <summary>
/// The only exception <see cref="SafeImageDecoder"/> lets out for bad input. Its message is safe to return to the
/// client; the original decoder exception (if any) is kept as <see cref="Exception.InnerException"/> for logs only.
/// </summary>
public sealed class ImageRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageRejectedException(ImageRejectionReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the image was refused.</summary>
    public ImageRejectionReason Reason { get; }
}
