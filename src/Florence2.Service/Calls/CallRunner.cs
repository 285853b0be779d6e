using System.Diagnostics;
using System.Text.Json;
using Florence2.Drawing;
using Florence2.Batching;
using Florence2.Serving;
using Florence2.Service.Contracts;
using Florence2.Service.Problems;
using Florence2.Service.Reading;
using Florence2.Service.Configuration;
using Florence2.Service.Runtime;
using Florence2.Tasks;
using Microsoft.Extensions.Options;

namespace Florence2.Service.Calls;

/// <summary>
/// Runs one call the API has read: prepares every image with its own prompt (regions are per image) on the served
/// model, queues them all, withdraws the others when one fails, and shapes the answers into the response contract.
/// </summary>
public sealed partial class CallRunner(ModelRuntime runtime, IOptions<LimitsOptions> limits, IOptions<ServiceOptions> service, TimeProvider time,
    ResultPainter painter)
{
    /// <summary>Answers are drawn from their JSON form, as clients receive it (see <see cref="ResultPainter"/>).</summary>
    private static readonly JsonSerializerOptions AnswerOptions = AnswerJson.Apply(new JsonSerializerOptions());

    /// <summary>The uploaded image with its answer drawn on it, same size, encoded as <paramref name="format"/>.</summary>
    internal byte[] Draw(ImageUpload upload, TaskResponse response, AnnotatedImageFormat format)
    {
        using var image = runtime.RequireServing().DecodeImage(upload.Bytes);
        var result = JsonSerializer.SerializeToNode(response.Result, AnswerOptions)!.AsObject();
        return painter.Paint(image, result, format);
    }

    internal async Task<IReadOnlyList<TaskResponse>> RunAsync(InferenceCall call, Florence2Task task, TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var model = runtime.RequireServing();
        if (call.Images.Count == 0)
            throw new InvalidRequestException(RequestFields.Image,
                "No image was sent: add an 'image' file part (multipart/form-data) or an 'image' base64 field (application/json).");
        // An empty region is no region, as an empty text or number field is "not given": forms (Swagger UI's among
        // them) send every field, filled or not.
        string? region = string.IsNullOrWhiteSpace(call.Region) ? null : call.Region;
        var maskFormat = TaskRequestValidator.ResolveMaskFormat(call.MaskFormat, task);
        var request = new TaskRequest(task, call.Text, region, call.NumBeams, call.MaxNewTokens)
        {
            MinScore = call.MinScore,
            Logprobs = call.Logprobs ?? false,
        };
        var requestLimits = limits.Value.ForRequests();
        var prepared = new List<PreparedInput>(call.Images.Count);
        foreach (var upload in call.Images)
        {
            var input = Prepare(model, upload, request, requestLimits);
            prepared.Add(service.Value.BenchmarkIgnoreEos ? IgnoringEos(input) : input);
        }

        var results = await EnqueueAllAsync(model, prepared, timeout, cancellationToken).ConfigureAwait(false);

        var options = PostProcessing();
        var modelInfo = new ModelInfo(model.Id, model.Dtype, model.Provider);
        double totalMs = time.GetElapsedTime(started).TotalMilliseconds;
        var responses = new TaskResponse[results.Length];
        for (int i = 0; i < results.Length; i++)
            responses[i] = Respond(prepared[i], results[i], request, maskFormat, options, modelInfo, totalMs);
        Activity.Current?.SetTag("florence2.batch_size", results.Max(r => r.BatchSize));
        Activity.Current?.SetTag("florence2.queue_ms", results.Max(r => r.QueueMs));
        return responses;
    }

    private PostProcessingOptions PostProcessing() => new()
    {
        KeepEosInFirstOcrLabel = service.Value.KeepEosInFirstOcrLabel,
        Coordinates = service.Value.Coordinates,
    };

    /// <summary>The answer for one image and task, as a single-task call returns it.</summary>
    private static TaskResponse Respond(PreparedInput input, BatchedResult batched, TaskRequest request, MaskFormat maskFormat,
        PostProcessingOptions options, ModelInfo modelInfo, double totalMs)
    {
        var parsed = Florence2Model.Parse(input, batched.Result, options);
        var result = request.MinScore is { } minScore ? ScoreFilter.AtLeast(parsed.Result, minScore) : parsed.Result;
        var timings = new TimingsInfo(Math.Round(batched.QueueMs, 2), Math.Round(batched.Result.Timings.TotalMs, 2),
            Math.Round(totalMs, 2), batched.BatchSize, batched.Result.GeneratedTokens);
        result = SegmentMasks.Apply(result, input.Width, input.Height, maskFormat);
        return new TaskResponse(input.Task.Token, new ImageInfo(input.Width, input.Height), result, parsed.ToHfDictionary(),
            batched.Result.Text, timings, modelInfo)
        {
            SequenceScore = batched.Result.SequenceScore,
            Tokens = request.Logprobs ? batched.Result.Tokens : null,
        };
    }

    private static PreparedInput Prepare(Florence2Model model, ImageUpload upload, TaskRequest request, RequestLimits limits)
    {
        try
        {
            var input = model.Prepare(upload.Bytes, request, limits);
            UploadChecks.CheckDeclaredType(upload, input.FormatName);
            return input;
        }
        catch (Imaging.ImageRejectedException rejected)
        {
            throw ProblemMapping.ForImage(rejected, UploadChecks.NameOf(upload));
        }
    }

    /// <summary>Benchmark runs decode exactly their budget (see <see cref="ServiceOptions.BenchmarkIgnoreEos"/>).</summary>
    private static PreparedInput IgnoringEos(PreparedInput input) => input with
    {
        Request = new Inference.EngineRequest
        {
            Image = input.Request.Image,
            Prompt = input.Request.Prompt,
            PromptIds = input.Request.PromptIds,
            Generation = input.Request.Generation with { IgnoreEos = true },
        },
    };

    /// <summary>
    /// Queues every input of the call as one admission: the queue takes all of them or refuses the call whole (full,
    /// draining), so nothing needs withdrawing then. Once queued, the first real failure is the answer and the call's
    /// other inputs are withdrawn.
    /// </summary>
    private static async Task<BatchedResult[]> EnqueueAllAsync(Florence2Model model, List<PreparedInput> prepared, TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        using var siblings = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = model.EnqueueAll(prepared, timeout, siblings.Token);
        try
        {
            return await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // One input failed: the others of this call are no longer wanted; the first real failure is the answer.
            await siblings.CancelAsync().ConfigureAwait(false);
            var failure = pending.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault() ?? ex;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            throw;   // not reached
        }
    }
}
