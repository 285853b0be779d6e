using Florence2.Batching;
using Florence2.Models;
using Florence2.Provisioning;
using Florence2.Serving;
using Florence2.Service.Configuration;
using Microsoft.Extensions.Options;

namespace Florence2.Service.Runtime;

/// <summary>
/// Moves the served model through its states. Loads it in the background once the host has started (so liveness
/// answers at once), then marks the service ready. On shutdown readiness turns false first, new work is refused,
/// queued and running requests get the drain timeout to finish, and only then is the model released. A model that
/// can't be loaded stops the host with exit code 1 and one log line saying why.
/// </summary>
public sealed partial class ModelLifecycle(
    ModelRuntime runtime,
    ModelLoadSettings settings,
    BatcherMetrics metrics,
    IOptions<ServiceOptions> serviceOptions,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory) : IHostedService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelLifecycle>();
    private readonly Lock _stopLock = new();
    private Task _loading = Task.CompletedTask;
    private Task? _stopping;
    private int _drainAnnounced;

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
        if (runtime.State is ModelState.Failed || runtime.Model is not { } model) return;
        using var drainTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(serviceOptions.Value.DrainTimeoutSeconds));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(drainTimeout.Token, cancellationToken);
        var started = time.GetTimestamp();
        await model.DrainAsync(linked.Token).ConfigureAwait(false);
        LogDrained(time.GetElapsedTime(started).TotalMilliseconds);
        await model.DisposeAsync().ConfigureAwait(false);
        runtime.SetState(ModelState.Stopped);
    }

    /// <summary>Readiness off and new work refused; said once per shutdown however many ways it is reached.</summary>
    private void BeginDrain()
    {
        if (runtime.State is not (ModelState.Ready or ModelState.WarmingUp or ModelState.Loading)) return;
        runtime.SetState(ModelState.Draining);
        if (Interlocked.Exchange(ref _drainAnnounced, 1) == 0) LogDraining();
    }

    private async Task LoadAsync(CancellationToken stopping)
    {
        try
        {
            var model = await Florence2Model.LoadAsync(settings, time, loggerFactory, metrics,
                stage => { if (stage == ModelLoadStage.WarmingUp) runtime.SetState(ModelState.WarmingUp); }, stopping).ConfigureAwait(false);
            runtime.SetLoaded(model);
            if (stopping.IsCancellationRequested)
            {
                runtime.SetState(ModelState.Draining);
                return;
            }
            runtime.SetState(ModelState.Ready);
            LogReady(model.Id, model.Provider, model.ProviderReason, model.BatchingMode);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            runtime.SetFailed("Shut down while the model was loading.");
        }
        catch (Exception ex) when (ex is ModelLoadException or ModelProvisioningException or FormatException or ArgumentException
            or InvalidOperationException or InvalidDataException or IOException or UnauthorizedAccessException
            or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            runtime.SetFailed(ex.Message);
            LogLoadFailed(ex.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} ready on {Provider} ({Reason}), {BatchingMode} batching")]
    private partial void LogReady(string modelId, string provider, string reason, Florence2.Batching.BatchingMode batchingMode);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The model could not be loaded: {Reason}")]
    private partial void LogLoadFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: readiness off, new work refused, draining queued and running requests")]
    private partial void LogDraining();

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained in {ElapsedMs:F0} ms")]
    private partial void LogDrained(double elapsedMs);
}
