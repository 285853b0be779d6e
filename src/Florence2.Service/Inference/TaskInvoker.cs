using System.Diagnostics;
using Florence2.Batching;
using Florence2.Inference;
using Florence2.Service.Api.Contracts;
using Florence2.Service.Api.Problems;
using Florence2.Service.Api.Reading;
using Florence2.Service.Configuration;
using Florence2.Service.Runtime;
using Florence2.Service.Observability;
using Florence2.Tasks;
using Microsoft.Extensions.Options;

namespace Florence2.Service.Inference;

/// <summary>
/// Runs one validated call: decodes and prepares every image, builds each image's prompt (regions are per image),
/// enqueues them all on the batching queue, and turns the model output into typed results and the HF dictionary.
/// </summary>
public sealed class TaskInvoker(
    ModelRuntime runtime,
    IOptions<LimitsOptions> limits,
    IOptions<ServiceOptions> service,
    TimeProvider time,
    ILogger<TaskInvoker> logger)
{
    internal async Task<IReadOnlyList<TaskResponse>> InvokeAsync(InferenceCall call, Florence2Task task, TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var parts = RequireReady();
        CallValidator.CheckImageCount(call);
        CallValidator.CheckText(call.Text, limits.Value);
        var settings = CallValidator.Settings(call, parts.Folder.Config.GenerationDefaults, limits.Value);
        if (service.Value.BenchmarkIgnoreEos) settings = settings with { IgnoreEos = true };

        var prepared = new List<(EngineRequest Request, int Width, int Height)>(call.Images.Count);
        foreach (var upload in call.Images)
        {
            var (image, width, height) = ImageIntake.Prepare(upload, parts.Decoder, parts.Images);
            string prompt = PromptFor(task, call, width, height, parts);
            prepared.Add((new EngineRequest { Image = image, Prompt = prompt, Generation = settings }, width, height));
        }

        using var siblings = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new List<Task<BatchedResult>>(prepared.Count);
        BatchedResult[] results;
        try
        {
            // EnqueueAsync refuses synchronously (queue full, draining): that must be translated like any other failure,
            // and the images of this call already queued must be withdrawn.
            foreach (var (request, _, _) in prepared) pending.Add(parts.Batcher.EnqueueAsync(request, timeout, siblings.Token));
            results = await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // One image failed: the others of this call are no longer wanted.
            await siblings.CancelAsync().ConfigureAwait(false);
            var failure = pending.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault() ?? ex;
            var problem = Translate(failure);
            if (problem.Status >= 500 && problem.Status != StatusCodes.Status503ServiceUnavailable)
                logger.LogError(failure, "Inference failed for task {Task}", task.Token);
            throw problem;
        }

        var options = new PostProcessingOptions
        {
            KeepEosInFirstOcrLabel = service.Value.KeepEosInFirstOcrLabel,
            Coordinates = service.Value.Coordinates,
        };
        var model = new ModelInfo(parts.ModelId, parts.Dtype, parts.Provider);
        double totalMs = time.GetElapsedTime(started).TotalMilliseconds;
        var responses = new TaskResponse[results.Length];
        for (int i = 0; i < results.Length; i++)
        {
            var (_, width, height) = prepared[i];
            var batched = results[i];
            var parsed = Florence2PostProcessor.Parse(task, batched.Result.Text, width, height, options);
            var timings = new TimingsInfo(Math.Round(batched.QueueMs, 2), Math.Round(batched.Result.Timings.TotalMs, 2),
                Math.Round(totalMs, 2), batched.BatchSize, batched.Result.GeneratedTokens);
            responses[i] = new TaskResponse(task.Token, new ImageInfo(width, height), parsed.Result, parsed.ToHfDictionary(),
                batched.Result.Text, timings, model);
        }
        Activity.Current?.SetTag("florence2.batch_size", results.Max(r => r.BatchSize));
        Activity.Current?.SetTag("florence2.queue_ms", results.Max(r => r.QueueMs));
        return responses;
    }

    private ModelRuntime.Loaded RequireReady()
    {
        return runtime.State switch
        {
            ModelState.Ready => runtime.Parts,
            ModelState.Draining or ModelState.Stopped => throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable,
                "Shutting down", "This instance is shutting down and takes no new work; retry on another instance.", retryAfter: TimeSpan.FromSeconds(1)),
            ModelState.Failed => throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable,
                "Model unavailable", "The model failed to load on this instance.", retryAfter: TimeSpan.FromSeconds(30)),
            _ => throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable,
                "Not ready", "The model is still loading; retry shortly.", retryAfter: TimeSpan.FromSeconds(5)),
        };
    }

    private static string PromptFor(Florence2Task task, InferenceCall call, int width, int height, ModelRuntime.Loaded parts)
    {
        string prompt;
        try
        {
            LocationBins? region = null;
            if (call.Region is not null)
            {
                if (task.InputKind != TaskInputKind.Region)
                    throw new PromptValidationException(PromptValidationException.RegionField, $"Task '{task.Name}' takes no region.");
                region = RegionParser.Parse(call.Region, width, height);
            }
            prompt = PromptBuilder.Build(task, call.Text, region);
        }
        catch (PromptValidationException ex)
        {
            throw ApiProblemException.Validation(ex.Field, ex.Message);
        }
        int tokens = parts.Tokenizer.EncodePrompt(prompt).Length;
        if (tokens > parts.Dimensions.MaxPromptTokens)
            throw ApiProblemException.Validation("text",
                $"The prompt is {tokens} tokens long; this model accepts at most {parts.Dimensions.MaxPromptTokens}. Shorten 'text'.");
        return prompt;
    }

    private static ApiProblemException Translate(Exception failure) => failure switch
    {
        ApiProblemException problem => problem,
        QueueFullException full => new ApiProblemException(StatusCodes.Status503ServiceUnavailable, "Queue full",
            $"The request queue is full ({full.MaxQueueSize} waiting); retry later.", retryAfter: full.RetryAfter),
        BatcherUnavailableException stopped => new ApiProblemException(StatusCodes.Status503ServiceUnavailable, "Shutting down",
            "This instance is shutting down and takes no new work; retry on another instance.", retryAfter: stopped.RetryAfter),
        QueueTimeoutException timedOut => new ApiProblemException(StatusCodes.Status504GatewayTimeout, "Queue deadline passed",
            $"The request waited {timedOut.Timeout.TotalMilliseconds:F0} ms in the queue without reaching the model.", retryAfter: TimeSpan.FromSeconds(1)),
        PromptTooLongException tooLong => ApiProblemException.Validation("text", tooLong.Message),
        OperationCanceledException => new ApiProblemException(StatusCodes.Status503ServiceUnavailable, "Cancelled",
            "The request was cancelled before it finished (the instance is shutting down); retry.", retryAfter: TimeSpan.FromSeconds(1)),
        _ => new ApiProblemException(StatusCodes.Status500InternalServerError, "Inference failed",
            "The model failed while running this request."),
    };
}
