using Florence2.Batching;
using Florence2.Generation;
using Florence2.Imaging;
using Florence2.Inference;
using Florence2.Inference.VisionCache;
using Florence2.Models;
using Florence2.Provisioning;
using Florence2.Tasks;
using Microsoft.Extensions.Logging;

namespace Florence2.Serving;

/// <summary>
/// A loaded model behind its batching queue: the one object callers use to turn an image and a task request into a
/// parsed answer. It validates the request, decodes and resizes the image, builds the prompt and tokenizes it once
/// (length-checked), queues it, and parses what the model wrote. Callers never reach into its parts.
/// </summary>
public sealed class Florence2Model : IAsyncDisposable
{
    private readonly ModelFolder _folder;
    private readonly Florence2EnginePool _pool;
    private readonly DynamicBatcher _batcher;
    private readonly SafeImageDecoder _decoder;
    private readonly ImagePreprocessor _images;

    private Florence2Model(ModelFolder folder, string id, Florence2EnginePool pool, DynamicBatcher batcher, SafeImageDecoder decoder,
        ImagePreprocessor images, BatchingOptions batching)
    {
        (_folder, Id, _pool, _batcher, _decoder, _images, Batching) = (folder, id, pool, batcher, decoder, images, batching);
    }

    /// <summary>The name reported with each answer.</summary>
    public string Id { get; }

    /// <summary>Weight precision per component, e.g. <c>fp32</c>.</summary>
    public string Dtype => _folder.Precision.ToString();

    /// <summary>Execution provider in use: <c>cpu</c> or <c>cuda</c>.</summary>
    public string Provider => _pool.Primary.Provider.Name;

    /// <summary>Why that provider was chosen (e.g. why CUDA was not available).</summary>
    public string ProviderReason => _pool.Primary.Provider.Reason;

    /// <summary>The vision-feature cache's counts so far, or null when the cache is off (benchmarks read it).</summary>
    public VisionCacheStatistics? VisionCacheStatistics => _pool.Primary.VisionCache?.Statistics;

    /// <summary>Images the model instances have run through the vision encoder since loading (warm-up included).</summary>
    public long VisionImagesEncoded => _pool.Engines.Sum(engine => engine.VisionImagesEncoded);

    /// <summary>Requests waiting in the queue.</summary>
    public int QueueDepth => _batcher.QueueDepth;

    /// <summary>The batching mode in effect (continuous only when asked for and the model's decoder allows it).</summary>
    public BatchingMode BatchingMode => _batcher.Mode;

    /// <summary>Why continuous batching, asked for, is not in effect (the decoder could not be rewritten); null otherwise.</summary>
    public string? ContinuousBatchingUnavailable =>
        Batching.Mode == BatchingMode.Continuous && BatchingMode != BatchingMode.Continuous
            ? _pool.Primary.ContinuousDecodingUnavailable ?? "an instance does not accept joining requests"
            : null;

    /// <summary>The batching settings the model was loaded with.</summary>
    public BatchingOptions Batching { get; }

    /// <summary>Model instances (each a full set of sessions) serving the queue.</summary>
    public int Instances => _pool.Engines.Count;

    /// <summary>Requests the instances are running now.</summary>
    public int RunningRequests => _batcher.RunningRequests;

    /// <summary>
    /// Resolves the folder (downloading it when no local path is set), opens the sessions, optionally warms every task
    /// family up, and starts the batching queue. <paramref name="onStage"/> hears when warm-up begins.
    /// </summary>
    public static async Task<Florence2Model> LoadAsync(ModelLoadSettings settings, TimeProvider time, ILoggerFactory loggers,
        BatcherMetrics? metrics = null, Action<ModelLoadStage>? onStage = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var logger = loggers.CreateLogger<Florence2Model>();
        string path = await ResolveFolderAsync(settings, time, loggers, cancellationToken).ConfigureAwait(false);
        var folder = ModelFolder.Open(path, ModelPrecision.Parse(settings.Source.Dtype));
        var visionCache = VisionFeatureCache.Create(settings.Cache, settings.VisionCacheMetrics);
        var pool = Florence2EnginePool.Create(folder, settings.Inference, logger, visionCache,
            continuousDecoding: settings.Batching.Mode == BatchingMode.Continuous);
        try
        {
            var decoder = new SafeImageDecoder(settings.Images);
            var images = new ImagePreprocessor(decoder, PreprocessorSettings.Load(folder.PreprocessorConfigPath));
            if (settings.WarmUp)
            {
                onStage?.Invoke(ModelLoadStage.WarmingUp);
                WarmUp(pool, images, settings.Batching.MaxBatchSize, cancellationToken);
            }
            var executors = pool.Engines
                .Select(engine => settings.WrapExecutor is { } wrap ? wrap(new EngineBatchExecutor(engine)) : new EngineBatchExecutor(engine))
                .ToArray();
            var batcher = new DynamicBatcher(settings.Batching, executors, time, loggers.CreateLogger<DynamicBatcher>(), metrics);
            string id = settings.Id ?? (string.IsNullOrWhiteSpace(settings.LocalPath) ? settings.Source.Repository.Split('/')[^1] : folder.Id);
            return new Florence2Model(folder, id, pool, batcher, decoder, images, settings.Batching);
        }
        catch
        {
            await pool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Everything that can be checked before the queue, in the order a caller would fix it: the fields without the
    /// image, then the image (<see cref="ImageRejectedException"/>), then the prompt built for the image's size.
    /// </summary>
    /// <exception cref="InvalidRequestException">A field is out of range or does not fit the task.</exception>
    /// <exception cref="ImageRejectedException">The image is empty, too large, of a refused format or undecodable.</exception>
    public PreparedInput Prepare(ReadOnlyMemory<byte> image, TaskRequest request, RequestLimits limits) =>
        PrepareEach(image, [request], limits, indexed: false)[0];

    /// <summary>
    /// Several tasks on one image: the image is decoded and resized once, and every input shares the same pixels, so
    /// rows of one batch run the vision encoder once for all of them. Checks as <see cref="Prepare"/>: every request's
    /// fields first, then the image, then each prompt.
    /// </summary>
    /// <exception cref="InvalidRequestException">
    /// A request's field is out of range or does not fit its task; <see cref="InvalidRequestException.RequestIndex"/> says which.
    /// </exception>
    /// <exception cref="ImageRejectedException">The image is empty, too large, of a refused format or undecodable.</exception>
    public IReadOnlyList<PreparedInput> PrepareAll(ReadOnlyMemory<byte> image, IReadOnlyList<TaskRequest> requests, RequestLimits limits) =>
        PrepareEach(image, requests, limits, indexed: true);

    private PreparedInput[] PrepareEach(ReadOnlyMemory<byte> image, IReadOnlyList<TaskRequest> requests, RequestLimits limits, bool indexed)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfZero(requests.Count);
        var settings = new GenerationSettings[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(requests[i]);
            settings[i] = InRequest(indexed ? i : null, () =>
            {
                TaskRequestValidator.CheckText(requests[i].Text, limits);
                TaskRequestValidator.CheckMinScore(requests[i].MinScore);
                return TaskRequestValidator.Settings(requests[i], _folder.Config.GenerationDefaults, limits);
            });
        }
        using var decoded = _decoder.Decode(image);
        var pixels = _images.Prepare(decoded);
        var inputs = new PreparedInput[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            var (prompt, ids) = InRequest(indexed ? i : null, () => PromptOf(request, decoded.Width, decoded.Height));
            var engineRequest = new EngineRequest { Image = pixels, Prompt = prompt, PromptIds = ids, Generation = settings[i] };
            inputs[i] = new PreparedInput(request.Task, engineRequest, decoded.Width, decoded.Height, decoded.FormatName);
        }
        return inputs;
    }

    /// <summary>Runs a check of request <paramref name="index"/>; when given, its refusal says which request it was.</summary>
    private static T InRequest<T>(int? index, Func<T> check)
    {
        try
        {
            return check();
        }
        catch (InvalidRequestException invalid) when (index is not null)
        {
            throw new InvalidRequestException(invalid.Field, invalid.Message) { RequestIndex = index };
        }
    }

    private (string Prompt, int[] Ids) PromptOf(TaskRequest request, int width, int height)
    {
        string prompt = BuildPrompt(request, width, height);
        try
        {
            return (prompt, _pool.Primary.EncodePrompt(prompt));
        }
        catch (PromptTooLongException tooLong)
        {
            throw new InvalidRequestException(RequestFields.Text,
                $"The prompt is {tooLong.Tokens} tokens long; this model accepts at most {tooLong.MaxTokens}. Shorten 'text'.");
        }
    }

    /// <summary>
    /// Decodes an image exactly as <see cref="Prepare"/> does (same checks, same pixels, same size), for drawing an
    /// answer on it. The caller disposes it.
    /// </summary>
    public DecodedImage DecodeImage(ReadOnlyMemory<byte> image) => _decoder.Decode(image);

    /// <summary>Queues a prepared input; completes when the model has answered (or the queue refuses, times out or is cancelled).</summary>
    public Task<BatchedResult> EnqueueAsync(PreparedInput input, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _batcher.EnqueueAsync(input.Request, timeout, cancellationToken);
    }

    /// <summary>
    /// Queues prepared inputs as one admission (all or none; see <see cref="DynamicBatcher.EnqueueAll"/>), so the images
    /// of one call or the tasks of one image reach the batcher together and share batches; one task per input, in order.
    /// </summary>
    public IReadOnlyList<Task<BatchedResult>> EnqueueAll(IReadOnlyList<PreparedInput> inputs, TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return _batcher.EnqueueAll([.. inputs.Select(input => input.Request)], timeout, cancellationToken);
    }

    /// <summary>The typed result and the HF dictionary of what the model wrote for <paramref name="input"/>.</summary>
    public static ParsedGeneration Parse(PreparedInput input, string generatedText, PostProcessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Florence2PostProcessor.Parse(input.Task, generatedText, input.Width, input.Height, options);
    }

    /// <summary>
    /// The typed result, with a score on every instance (spec §16) computed from the tokens the model generated, and the
    /// HF dictionary (which never carries scores, like the reference's <c>text=</c> call).
    /// </summary>
    public static ParsedGeneration Parse(PreparedInput input, EngineResult result, PostProcessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(result);
        return Florence2PostProcessor.Parse(input.Task, result.Text, input.Width, input.Height, options, result.Tokens);
    }

    /// <summary>Stops taking work and waits for queued and running requests (until <paramref name="cancellationToken"/>).</summary>
    public Task DrainAsync(CancellationToken cancellationToken) => _batcher.DrainAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync().ConfigureAwait(false);
        await _pool.DisposeAsync().ConfigureAwait(false);
    }

    private static string BuildPrompt(TaskRequest request, int width, int height)
    {
        try
        {
            LocationBins? region = null;
            if (request.Region is not null)
            {
                if (request.Task.InputKind != TaskInputKind.Region)
                    throw new PromptValidationException(PromptValidationException.RegionField, $"Task '{request.Task.Name}' takes no region.");
                region = RegionParser.Parse(request.Region, width, height);
            }
            return PromptBuilder.Build(request.Task, request.Text, region);
        }
        catch (PromptValidationException ex)
        {
            throw new InvalidRequestException(ex.Field, ex.Message);
        }
    }

    private static async Task<string> ResolveFolderAsync(ModelLoadSettings settings, TimeProvider time, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(settings.LocalPath)) return settings.LocalPath;
        using var provisioner = new ModelProvisioner(loggers.CreateLogger<ModelProvisioner>(), time);
        return await provisioner.EnsureModelAsync(settings.Source, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs every task family at batch 1 and at the max batch size on each instance, so the first real requests
    /// don't pay for arena growth and kernel selection.
    /// </summary>
    private static void WarmUp(Florence2EnginePool pool, ImagePreprocessor images, int maxBatchSize, CancellationToken cancellationToken)
    {
        var settings = new GenerationSettings { NumBeams = 1, MaxNewTokens = 4 };
        // A different picture per row, so the vision encoder also runs at the full batch size (rows sharing an
        // image share one pass).
        var pictures = Enumerable.Range(0, Math.Max(1, maxBatchSize)).Select(variant => WarmUpImage.Create(images, variant)).ToArray();
        var prompts = new[] { TaskCatalog.ObjectDetection, TaskCatalog.Caption, TaskCatalog.Ocr, TaskCatalog.ReferringExpressionSegmentation }
            .Select(task => PromptBuilder.Build(task, task.InputKind == TaskInputKind.Text ? "a car" : null))
            .ToArray();
        int maxBatch = Math.Max(1, maxBatchSize);
        foreach (var engine in pool.Engines)
        {
            foreach (string prompt in prompts)
            {
                foreach (int size in maxBatch == 1 ? new[] { 1 } : [1, maxBatch])
                {
                    var batch = Enumerable.Range(0, size)
                        .Select(row => new EngineRequest { Image = pictures[row], Prompt = prompt, Generation = settings, UseVisionCache = false })
                        .ToArray();
                    var failed = engine.RunBatch(batch, cancellationToken: cancellationToken).FirstOrDefault(o => o.Status == EngineOutcomeStatus.Failed);
                    if (failed is not null) throw new InvalidOperationException($"Warm-up failed: {failed.Error?.Message}", failed.Error);
                }
            }
        }
    }
}
