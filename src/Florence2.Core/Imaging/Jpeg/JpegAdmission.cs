namespace Florence2.Imaging.Jpeg;

/// <summary>
/// Decides, from the marker structure alone, whether a JPEG may be decoded: what Pillow (the reference) refuses we
/// refuse, and what our decoder would not decode bit for bit like Pillow we refuse too, with a message that says
/// which. Every refusal here is <see cref="ImageRejectionReason.Undecodable"/> (HTTP 422); limits are checked elsewhere.
/// </summary>
internal static class JpegAdmission
{
    /// <summary>Throws the refusal for a frame (as <see cref="JpegStructureReader.Read"/> found it) that must not be decoded.</summary>
    /// <exception cref="ImageRejectedException">The file cannot be decoded identically to the reference.</exception>
    public static void Admit(JpegFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Process == JpegCodingProcess.LosslessOrHierarchical)
        {
            throw Refuse("Lossless and hierarchical JPEG images are not supported; send a baseline or progressive JPEG.");
        }

        if (frame.Precision != 8)
        {
            throw Refuse($"{frame.Precision}-bit JPEG images are not supported; send an 8-bit JPEG.");
        }

        if (frame.Width == 0 || frame.Height == 0)
        {
            // Height 0 means "defined later by a DNL marker", which libjpeg does not support.
            throw Refuse("The JPEG image header declares an empty image.");
        }

        if (frame.Components.Count is not (1 or 3 or 4))
        {
            throw Refuse($"JPEG images with {frame.Components.Count} colour components are not supported; send grayscale, colour or CMYK.");
        }

        if (frame.Components.Any(c => c.HorizontalSampling is < 1 or > 4 || c.VerticalSampling is < 1 or > 4))
        {
            throw Refuse("The JPEG image header declares invalid sampling factors.");
        }

        if (!frame.ReachesEndOfImage)
        {
            throw Refuse("The JPEG image is truncated: the data ends before the end-of-image marker.");
        }

        if (!frame.HasEveryCoefficient)
        {
            // libjpeg fills the unsent coefficients by block smoothing, whose estimate changed between libjpeg-turbo
            // releases: our decoder's guess is not the reference's, so the pixels would differ.
            throw Refuse("The progressive JPEG image is incomplete (some scans are missing), so it cannot be decoded exactly as the reference does; send a complete file.");
        }
    }

    /// <summary>The refusal when the bytes hold no frame header at all.</summary>
    public static ImageRejectedException NoFrameHeader() =>
        Refuse("The JPEG image has no readable frame header: it is corrupt or not a JPEG.");

    private static ImageRejectedException Refuse(string message) => new(ImageRejectionReason.Undecodable, message);
}
