namespace Florence2.Service.Contracts;

/// <summary>
/// The settings every task request takes, besides its image and inputs. In <c>/v1/analyze</c> the top-level ones
/// apply to every task whose item sets none of its own. Documentation types only: Swagger describes the request
/// bodies with them, and the handlers read the fields themselves.
/// </summary>
public abstract class TaskSettings
{
    /// <summary>Beams for beam search, 1–8 (1 = greedy). Default from generation_config.json (3).</summary>
    public int? NumBeams { get; init; }

    /// <summary>Token budget, 1–1024. Default 1024.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary>
    /// Segmentation masks besides the polygons: <c>polygon</c> (default: polygons, box and area), <c>rle</c> (COCO
    /// compressed RLE) or <c>png</c> (base64 single-channel PNG, 255 inside). For the segmentation tasks and
    /// open-vocabulary detection: asked of another task it is a 400, except at the top of <c>/v1/analyze</c>, where
    /// the tasks without polygons skip it.
    /// </summary>
    public string? MaskFormat { get; init; }

    /// <summary>
    /// Confidence threshold, 0–1: detections, OCR lines and segments whose <c>score</c> is below it are left out of
    /// <c>result</c> (<c>hf</c> and <c>raw</c> stay complete). Default: keep all.
    /// </summary>
    public double? MinScore { get; init; }

    /// <summary>true: the answer also lists every generated token with its text and log-probability (<c>tokens</c>). Default false.</summary>
    public bool? Logprobs { get; init; }
}
