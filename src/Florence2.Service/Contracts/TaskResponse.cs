using System.Text.Json.Nodes;
using Florence2.Tasks;

namespace Florence2.Service.Contracts;

/// <summary>The answer for one image.</summary>
/// <param name="Task">The task token that ran, e.g. <c>&lt;OD&gt;</c>.</param>
/// <param name="Image">Size of the image as sent; every coordinate is in these pixels.</param>
/// <param name="Result">Typed geometry: one of text, detections, lines, segments (open-vocabulary: detections and segments).</param>
/// <param name="Hf">The dictionary Hugging Face's <c>processor.post_process_generation</c> returns, keyed by the task token.</param>
/// <param name="Raw">The decoded model output with special tokens kept, e.g. <c>&lt;/s&gt;&lt;s&gt;car&lt;loc_53&gt;…&lt;/s&gt;</c>.</param>
/// <param name="Timings">Where the time went.</param>
/// <param name="Model">Which model answered.</param>
public sealed record TaskResponse(
    string Task,
    ImageInfo Image,
    TaskResult Result,
    JsonObject Hf,
    string Raw,
    TimingsInfo Timings,
    ModelInfo Model)
{
    /// <summary>
    /// Confidence of the whole output: Hugging Face's <c>sequences_scores</c> for beam search (summed token
    /// log-probabilities / generated length ^ length_penalty); for greedy search (num_beams 1) the mean token
    /// log-probability. A log-probability: 0 is certain, more negative is less confident.
    /// </summary>
    public double? SequenceScore { get; init; }

    /// <summary>With <c>logprobs: true</c>: every generated token (the decoder start token excluded, the final <c>&lt;/s&gt;</c> included) with its text and log-probability.</summary>
    public IReadOnlyList<Florence2.Generation.GeneratedToken>? Tokens { get; init; }
}

/// <summary>Answers for several images, in the order they were sent.</summary>
public sealed record MultiTaskResponse(IReadOnlyList<TaskResponse> Results);

/// <summary>Width and height of the original image in pixels.</summary>
public sealed record ImageInfo(int Width, int Height);

/// <summary>Milliseconds spent waiting in the queue, running in the model, and in total for this image.</summary>
/// <param name="QueueMs">Time in the batching queue.</param>
/// <param name="InferenceMs">Vision + encoder + decoder time of the batch until this request finished.</param>
/// <param name="TotalMs">From the request arriving to its answer being ready.</param>
/// <param name="BatchSize">Requests that shared the model pass.</param>
/// <param name="GeneratedTokens">Tokens the decoder produced.</param>
public sealed record TimingsInfo(double QueueMs, double InferenceMs, double TotalMs, int BatchSize, int GeneratedTokens);

/// <summary>The model that answered.</summary>
/// <param name="Id">Model name (folder name unless configured).</param>
/// <param name="Dtype">Weight precision per component, e.g. <c>fp32</c>.</param>
/// <param name="Provider">Execution provider: <c>cpu</c> or <c>cuda</c>.</param>
public sealed record ModelInfo(string Id, string Dtype, string Provider);
