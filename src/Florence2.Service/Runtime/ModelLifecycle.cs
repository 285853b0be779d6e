using Florence2.Batching;
using Florence2.Generation;
using Florence2.Imaging;
using Florence2.Inference;
using Florence2.Models;
using Florence2.Provisioning;
using Florence2.Service.Configuration;
using Florence2.Tasks;
using Microsoft.Extensions.Options;

namespace Florence2.Service.Runtime;

/// <summary>
/// Loads the model in the background once the host has started (so liveness answers at once), warms it up, then
/// marks the service ready. On shutdown readiness turns false first, new work is refused, queued and running
/// requests get the drain timeout to finish, and only then are the sessions released.
/// </summary>
public sealed partial class ModelLifecycle(
    ModelRuntime runtime,
    IOptions<ModelOptions> modelOptions,
    IOptions<ModelSourceOptions> sourceOptions,
    IOptions<InferenceOptions> inferenceOptions,
    IOptions<BatchingOptions> batchingOptions,
    IOptions<LimitsOptions> limits,
    IOptions<ServiceOptions> serviceOptions,
    BatcherMetrics metrics,
    IEnumerable<IBatchExecutorDecorator> decorators,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelLifecycle>();
    private Task _loading = Task.CompletedTask;
    private Task? _stopping;
    private readonly Lock _stopLock = new();

    /// <summary>Completes when loading and warm-up have finished (or failed).</summary>
    public Task Loading => _loading;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Stop taking work the moment shutdown begins, before Kestrel waits for in-flight requests.
        lifetime.ApplicationStopping.Register(BeginDrain);
        _loading = Task.Run(() => LoadAsync(lifetime.ApplicationStopping), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Idempotent: hosts may call it more than once (test hosts do); the first call does the work.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopLock) _stopping ??= DrainAndReleaseAsync(cancellationToken);
        return _stopping;
    }

    private async Task DrainAndReleaseAsync(CancellationToken cancellationToken)
    {
        BeginDrain();
        await _loading.ConfigureAwait(false);
        if (runtime.State is ModelState.Failed || !runtime.IsLoaded) return;
        var parts = runtime.Parts;
        using var drainTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(serviceOptions.Value.DrainTimeoutSeconds));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(drainTimeout.Token, cancellationToken);
        var started = time.GetTimestamp();
        await parts.Batcher.DrainAsync(linked.Token).ConfigureAwait(false);
        LogDrained(time.GetElapsedTime(started).TotalMilliseconds);
        await parts.Batcher.DisposeAsync().ConfigureAwait(false);
        await parts.Pool.DisposeAsync().ConfigureAwait(false);
        runtime.SetState(ModelState.Stopped);
    }

    private void BeginDrain()
    {
        if (runtime.State is ModelState.Ready or ModelState.WarmingUp or ModelState.Loading)
        {
            runtime.SetState(ModelState.Draining);
            LogDraining();
        }
    }

    private async Task LoadAsync(CancellationToken stopping)
    {
        try
        {
            var options = modelOptions.Value;
            string path = await ResolveFolderAsync(stopping).ConfigureAwait(false);
            var folder = ModelFolder.Open(path, ModelPrecision.Parse(sourceOptions.Value.Dtype));
            var pool = Florence2EnginePool.Create(folder, inferenceOptions.Value, _logger);
            var decoder = new SafeImageDecoder(new ImageDecodingOptions
            {
                MaxPixels = limits.Value.MaxImagePixels,
                MaxSideLength = limits.Value.MaxImageSide,
                MaxEncodedBytes = limits.Value.MaxImageBytes,
                MaxAllocationMegabytes = limits.Value.MaxDecodeMegabytes,
            });
            var images = new ImagePreprocessor(decoder, PreprocessorSettings.Load(folder.PreprocessorConfigPath));
            if (serviceOptions.Value.WarmUp)
            {
                runtime.SetState(ModelState.WarmingUp);
                WarmUp(pool, images, stopping);
            }
            var executors = pool.Engines
                .Select(e => decorators.Aggregate((IBatchExecutor)new EngineBatchExecutor(e), (inner, d) => d.Decorate(inner)))
                .ToArray();
            var batcher = new DynamicBatcher(batchingOptions.Value, executors, time,
                loggerFactory.CreateLogger<DynamicBatcher>(), metrics);
            string modelId = options.Id ?? (string.IsNullOrWhiteSpace(options.Path) ? sourceOptions.Value.Repository.Split('/')[^1] : folder.Id);
            runtime.SetLoaded(new ModelRuntime.Loaded(folder, modelId, pool, batcher, pool.Primary.Tokenizer, images, decoder));
            if (stopping.IsCancellationRequested)
            {
                runtime.SetState(ModelState.Draining);
                return;
            }
            runtime.SetState(ModelState.Ready);
            LogReady(modelId, pool.Primary.Provider.Name, pool.Primary.Provider.Reason);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            runtime.SetFailed("Shut down while the model was loading.");
        }
        catch (Exception ex) when (ex is ModelLoadException or ModelProvisioningException or FormatException or ArgumentException
            or InvalidOperationException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            runtime.SetFailed(ex.Message);
            LogLoadFailed(ex.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    /// <summary>The configured local folder, or the hub repository downloaded into the cache (like from_pretrained).</summary>
    private async Task<string> ResolveFolderAsync(CancellationToken stopping)
    {
        if (!string.IsNullOrWhiteSpace(modelOptions.Value.Path)) return modelOptions.Value.Path;
        using var provisioner = new ModelProvisioner(loggerFactory.CreateLogger<ModelProvisioner>(), time);
        return await provisioner.EnsureModelAsync(sourceOptions.Value, stopping).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs every task family at batch 1 and at the max batch size on each instance, so the first real requests
    /// don't pay for arena growth and kernel selection.
    /// </summary>
    private void WarmUp(Florence2EnginePool pool, ImagePreprocessor images, CancellationToken stopping)
    {
        var settings = new GenerationSettings { NumBeams = 1, MaxNewTokens = 4 };
        var image = WarmUpImage.Create(images);
        var prompts = new[] { TaskCatalog.ObjectDetection, TaskCatalog.Caption, TaskCatalog.Ocr, TaskCatalog.ReferringExpressionSegmentation }
            .Select(task => PromptBuilder.Build(task, task.InputKind == TaskInputKind.Text ? "a car" : null))
            .ToArray();
        int maxBatch = Math.Max(1, batchingOptions.Value.MaxBatchSize);
        foreach (var engine in pool.Engines)
        {
            foreach (string prompt in prompts)
            {
                foreach (int size in maxBatch == 1 ? new[] { 1 } : [1, maxBatch])
                {
                    var batch = Enumerable.Range(0, size)
                        .Select(_ => new EngineRequest { Image = image, Prompt = prompt, Generation = settings })
                        .ToArray();
                    var failed = engine.RunBatch(batch, cancellationToken: stopping).FirstOrDefault(o => o.Status == EngineOutcomeStatus.Failed);
                    if (failed is not null) throw new InvalidOperationException($"Warm-up failed: {failed.Error?.Message}", failed.Error);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} ready on {Provider} ({Reason})")]
    private partial void LogReady(string modelId, string provider, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The model could not be loaded: {Reason}")]
    private partial void LogLoadFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: readiness off, new work refused, draining queued and running requests")]
    private partial void LogDraining();

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained in {ElapsedMs:F0} ms")]
    private partial void LogDrained(double elapsedMs);
}
