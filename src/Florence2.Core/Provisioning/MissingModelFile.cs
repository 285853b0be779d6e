namespace Florence2.Provisioning;

/// <summary>A file the model folder lacks, where to fetch it from, and why the cached copy (if any) was not usable.</summary>
/// <param name="RelativePath">Path inside the model folder, <c>/</c>-separated (<c>onnx/encoder_model.onnx</c>).</param>
/// <param name="SourceUrl">The hub URL that serves it.</param>
/// <param name="Reason">"missing", or what was wrong with the cached copy.</param>
public sealed record MissingModelFile(string RelativePath, Uri SourceUrl, string Reason);
