namespace Florence2.Service.Contracts;

/// <summary>The answer of POST /v1/analyze: per image, in the order sent, one result per task, in the order listed.</summary>
/// <param name="Images">One entry per image sent.</param>
public sealed record AnalyzeResponse(IReadOnlyList<ImageAnalysis> Images);

/// <summary>Every task's answer for one image.</summary>
/// <param name="Image">Size of the image as sent; every coordinate is in these pixels.</param>
/// <param name="VisionPasses">
/// Times the vision encoder ran for this image: 1 when its tasks shared a batch, 0 when the vision-feature cache held
/// the image already, more only when its tasks were split across batches (different beam counts) and the cache is off.
/// </param>
/// <param name="Results">One answer per task, in the order of <c>tasks</c>; each has the fields of a single-task answer.</param>
public sealed record ImageAnalysis(ImageInfo Image, int VisionPasses, IReadOnlyList<TaskResponse> Results);
