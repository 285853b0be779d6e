using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Florence2.Inference;

/// <summary>The provider that was chosen and why, for logs, readiness details and responses.</summary>
public sealed record ExecutionProviderChoice(ExecutionProviderKind Kind, string Reason)
{
    public string Name => Kind == ExecutionProviderKind.Cuda ? "cuda" : "cpu";
}

/// <summary>
/// Builds <see cref="SessionOptions"/> for the configured provider. With <c>auto</c>, CUDA is tried and any failure
/// to load it (no driver, no CUDA 13 / cuDNN 9 libraries) falls back to the CPU with the reason logged; with
/// <c>cuda</c> the same failure is fatal. Everything else (graphs, binding, generation) is one code path.
/// </summary>
public sealed class ExecutionProviderSelector(InferenceOptions options, ILogger logger)
{
    private ExecutionProviderChoice? _choice;

    /// <summary>The CUDA device the sessions use when the provider is CUDA.</summary>
    public int DeviceId => options.CudaDeviceId;

    /// <summary>The provider in use, known after the first <see cref="CreateSessionOptions"/>.</summary>
    public ExecutionProviderChoice Choice => _choice ?? throw new InvalidOperationException("No session options were created yet.");

    /// <exception cref="InvalidOperationException">Provider <c>cuda</c> was required and could not be loaded.</exception>
    public SessionOptions CreateSessionOptions()
    {
        if (_choice?.Kind == ExecutionProviderKind.Cpu || options.Provider == ExecutionProviderKind.Cpu)
        {
            _choice ??= new ExecutionProviderChoice(ExecutionProviderKind.Cpu, "configured: cpu");
            return CreateCpuOptions();
        }
        try
        {
            // The CUDA provider logs through ORT's default logger, which exists only once the environment does.
            _ = OrtEnv.Instance();
            var cuda = new OrtCUDAProviderOptions();
            var settings = new Dictionary<string, string>
            {
                ["device_id"] = options.CudaDeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["arena_extend_strategy"] = options.CudaArenaExtendStrategy,
                ["cudnn_conv_algo_search"] = options.CudnnConvAlgoSearch,
                ["do_copy_in_default_stream"] = "1",
            };
            if (options.CudaMemoryLimitBytes > 0)
                settings["gpu_mem_limit"] = options.CudaMemoryLimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            cuda.UpdateOptions(settings);
            var sessionOptions = SessionOptions.MakeSessionOptionWithCudaProvider(cuda);
            ApplyCommon(sessionOptions);
            if (_choice is null)
            {
                _choice = new ExecutionProviderChoice(ExecutionProviderKind.Cuda, $"CUDA provider loaded on device {options.CudaDeviceId}");
                logger.LogInformation("Execution provider: CUDA (device {DeviceId})", options.CudaDeviceId);
            }
            return sessionOptions;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            if (options.Provider == ExecutionProviderKind.Cuda)
                throw new InvalidOperationException(
                    $"Provider 'cuda' was required but the CUDA execution provider could not be loaded: {ex.Message} " +
                    "(it needs an NVIDIA driver for CUDA 13, the CUDA 13 runtime and cuDNN 9).", ex);
            _choice = new ExecutionProviderChoice(ExecutionProviderKind.Cpu, $"CUDA unavailable, using CPU: {FirstLine(ex.Message)}");
            logger.LogWarning("Execution provider: CPU (auto). CUDA could not be loaded: {Reason}", FirstLine(ex.Message));
            return CreateCpuOptions();
        }
    }

    private SessionOptions CreateCpuOptions()
    {
        var sessionOptions = new SessionOptions();
        ApplyCommon(sessionOptions);
        return sessionOptions;
    }

    private void ApplyCommon(SessionOptions sessionOptions)
    {
        sessionOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
        sessionOptions.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
        sessionOptions.EnableCpuMemArena = options.CpuMemoryArena;
        if (options.IntraOpThreads > 0) sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
        if (options.InterOpThreads > 0) sessionOptions.InterOpNumThreads = options.InterOpThreads;
    }

    private static string FirstLine(string message)
    {
        int newline = message.IndexOf('\n');
        return newline < 0 ? message : message[..newline].TrimEnd();
    }
}
