namespace Florence2.Inference;

/// <summary>Where the ONNX graphs run.</summary>
public enum ExecutionProviderKind
{
    /// <summary>CUDA when it loads, else CPU; the log says which and why.</summary>
    Auto,
    Cpu,
    /// <summary>CUDA or fail at start with the reason.</summary>
    Cuda,
}

/// <summary>ONNX Runtime settings for every model instance (bound from the configuration section <see cref="SectionName"/>).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Florence2:Inference";

    /// <summary><c>auto</c> (default), <c>cpu</c> or <c>cuda</c>.</summary>
    public ExecutionProviderKind Provider { get; set; } = ExecutionProviderKind.Auto;

    /// <summary>Model instances (each a full set of sessions) in the pool; each runs one batch at a time. Default 1.</summary>
    public int Instances { get; set; } = 1;

    /// <summary>CUDA device ordinal. Default 0.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>Limit of the CUDA arena in bytes; 0 = no limit (default). The process can use more (CUDA context, cuDNN).</summary>
    public long CudaMemoryLimitBytes { get; set; }

    /// <summary>
    /// CUDA arena growth: <c>kSameAsRequested</c> (default; least over-allocation with varying prompt lengths) or
    /// <c>kNextPowerOfTwo</c>.
    /// </summary>
    public string CudaArenaExtendStrategy { get; set; } = "kSameAsRequested";

    /// <summary>
    /// cuDNN convolution algorithm search: <c>HEURISTIC</c> (default; fast first request), <c>EXHAUSTIVE</c>
    /// (benchmarks every shape on first sight) or <c>DEFAULT</c>.
    /// </summary>
    public string CudnnConvAlgoSearch { get; set; } = "HEURISTIC";

    /// <summary>
    /// ONNX Runtime's CPU memory arena. Default true (fastest). False hands every tensor back to the system allocator,
    /// which keeps resident memory flat when shapes keep changing (growing KV caches, varied prompt and batch sizes).
    /// </summary>
    public bool CpuMemoryArena { get; set; } = true;

    /// <summary>Threads inside one operator; 0 = ONNX Runtime's default (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across independent operators; 0 = ONNX Runtime's default.</summary>
    public int InterOpThreads { get; set; }
}
