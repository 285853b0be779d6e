using Florence2.Imaging;

namespace Florence2.Service.Tests.Hardening.Fuzzing;

/// <summary>
/// The code under fuzz: what the service runs on every upload (<see cref="SafeImageDecoder"/> with the service's
/// default limits, then optionally the resize and tensor write of <see cref="ImagePreprocessor"/>). A refusal is the
/// expected outcome for bad bytes; any other exception escaping is a finding.
/// </summary>
/// <param name="preprocess">
/// Also resize to 768×768 and write the tensor. The fuzz harness does; the replay test does not, because the resize of
/// an accepted image costs ~40 ms in a Debug build and its input is just a decoded bitmap of the (capped) size.
/// </param>
/// <param name="limits">Decoder limits; the service's defaults when null.</param>
public sealed class DecodePipelineTarget(bool preprocess = true, ImageDecodingOptions? limits = null)
{
    private readonly SafeImageDecoder decoder = new(limits);
    private readonly Lazy<(ImagePreprocessor Preprocessor, float[] Tensor)> pipeline = new(() =>
    {
        var preprocessor = new ImagePreprocessor(new SafeImageDecoder(), PreprocessorSettings.ImageNetDefaults);
        return (preprocessor, new float[preprocessor.TensorLength]);
    });

    /// <summary>Runs the pipeline; true when the image was accepted, false when it was refused.</summary>
    /// <exception cref="Exception">Anything but <see cref="ImageRejectedException"/>: a bug.</exception>
    public bool Run(ReadOnlySpan<byte> encoded)
    {
        try
        {
            using var image = decoder.Decode(encoded);
            if (preprocess) pipeline.Value.Preprocessor.Preprocess(image, pipeline.Value.Tensor);
            return true;
        }
        catch (ImageRejectedException)
        {
            return false;
        }
    }
}
