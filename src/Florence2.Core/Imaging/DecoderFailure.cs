using SixLabors.ImageSharp.Memory;

namespace Florence2.Imaging;

/// <summary>
/// Turns whatever a decoder threw into an <see cref="ImageRejectedException"/>. ImageSharp 2.x decoders are known to
/// throw outside their own hierarchy (IndexOutOfRange, Overflow, OutOfMemory, NotSupported for animated WebP...), so
/// every exception is classified rather than a list of expected types.
/// </summary>
internal static class DecoderFailure
{
    public static ImageRejectedException Classify(Exception exception, string formatName)
    {
        if (IsAllocationFailure(exception))
        {
            return new ImageRejectedException(
                ImageRejectionReason.TooLarge,
                $"The {formatName} image needs more memory to decode than this service allows.",
                exception);
        }

        return new ImageRejectedException(
            ImageRejectionReason.Undecodable,
            $"The {formatName} image could not be decoded: it is corrupt, truncated or uses an unsupported feature.",
            exception);
    }

    // ImageSharp wraps its allocator's InvalidMemoryOperationException in InvalidImageContentException, so look down the chain.
    private static bool IsAllocationFailure(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is InvalidMemoryOperationException or OutOfMemoryException)
            {
                return true;
            }
        }

        return false;
    }
}
