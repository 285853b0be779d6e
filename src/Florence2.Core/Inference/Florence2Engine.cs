using System.Diagnostics;
using Florence2.Generation;
using Florence2.Inference.VisionCache;
using Florence2.Models;
using Florence2.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace Florence2.Inference;

/// <summary>
/// One model instance: runs batches of (image, prompt) requests through vision encoder → prompt embeddings →
/// encoder → merged decoder with KV cache, greedy or beam search, and decodes the ids to text.
/// </summary>
/// <remarks>
/// A batch has one vision and one encoder pass; then N requests × K beams share every decoder step. A request that
/// finishes (or is cancelled) leaves the batch at once: its outcome is reported, and its cache rows are dropped so
/// it costs nothing more. One batch at a time per instance; use <see cref="Florence2EnginePool"/> for several.
/// </remarks>
public sealed partial class Florence2Engine : IDisposable, IAsyncDisposable
{
    /// <summary>Traces batches with child spans per stage (OpenTelemetry listens to this source by name).</summary>
    public static readonly ActivitySource Activity = new("Florence2.Engine");

    private readonly ModelSessions _sessions;
    private readonly TensorOps _ops;
    private readonly OrtMemoryInfo _deviceMemory;
    private readonly Florence2Tokenizer _tokenizer;
    private readonly SpecialTokenIds _tokens;
    private readonly (int Width, int Height) _imageSize;
    private readonly object _runLock = new();
    private readonly VisionFeatureCache? _visionCache;
    private readonly string _modelIdentity;
    private long _visionImagesEncoded;

    /// <param name="folder">The model files.</param>
    /// <param name="tokenizer">The folder's tokenizer (shared by a pool's instances).</param>
    /// <param name="providers">Where the graphs run.</param>
    /// <param name="visionCache">
    /// Vision-encoder outputs to reuse for images seen before (shared by a pool's instances); null runs the encoder for
    /// every image.
    /// </param>
    /// <param name="continuousDecoding">
    /// Rewrite the merged decoder at load so requests can join a running batch (<see cref="ContinuousDecoding"/> says
    /// whether that worked; the model loads either way).
    /// </param>
    public Florence2Engine(ModelFolder folder, Florence2Tokenizer tokenizer, ExecutionProviderSelector providers,
        VisionFeatureCache? visionCache = null, bool continuousDecoding = false)
    {
        _tokenizer = tokenizer;
        _tokens = folder.Config.Tokens;
        _imageSize = folder.Config.ImageSize;
        _sessions = ModelSessions.Load(folder, providers.CreateSessionOptions, continuousDecoding);
        Provider = providers.Choice;
        _deviceMemory = Provider.Kind == ExecutionProviderKind.Cuda
            ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, providers.DeviceId, OrtMemType.Default)
            : OrtMemoryInfo.DefaultInstance;
        _ops = new TensorOps(providers.CreateSessionOptions, _deviceMemory);
        Model = folder;
        _modelIdentity = $"{Path.GetFullPath(folder.Root)}|{folder.Precision}";
        _visionCache = visionCache;
    }

    /// <summary>
    /// Images this instance has run through the vision encoder since it was made: a batch encodes each distinct image
    /// once, and none the cache already holds (how tests and benchmarks see passes that were skipped).
    /// </summary>
    public long VisionImagesEncoded => Interlocked.Read(ref _visionImagesEncoded);

    /// <summary>The vision-feature cache this instance uses, or null when it has none.</summary>
    public VisionFeatureCache? VisionCache => _visionCache;

    public ModelFolder Model { get; }
    public ModelDimensions Dimensions => _sessions.Dimensions;
    public ExecutionProviderChoice Provider { get; }
    public Florence2Tokenizer Tokenizer => _tokenizer;

    /// <summary>
    /// Total decoder length (start token included) a request may reach. The last generated token is never fed back,
    /// so a length of max_position_embeddings + 1 only feeds positions 0 … max − 1: the cap that keeps the decoder
    /// inside its position table while matching Python's <c>max_length = 1 + max_new_tokens</c> (1025 for base).
    /// </summary>
    public int MaxDecoderLength(GenerationSettings settings) =>
        (int)Math.Min(1L + settings.MaxNewTokens, Dimensions.MaxPositions + 1L);

    /// <summary>
    /// Tokenizes a prompt and checks it fits the encoder beside the image tokens; callers that validate requests up
    /// front pass the ids on as <see cref="EngineRequest.PromptIds"/> so the prompt is tokenized once.
    /// </summary>
    /// <exception cref="PromptTooLongException">The prompt has more tokens than the model accepts.</exception>
    public int[] EncodePrompt(string prompt)
    {
        int[] ids = _tokenizer.EncodePrompt(prompt);
        return ids.Length <= Dimensions.MaxPromptTokens ? ids : throw new PromptTooLongException(ids.Length, Dimensions.MaxPromptTokens);
    }

    /// <summary>Runs one request alone (convenience for tools and tests).</summary>
    public EngineOutcome Run(EngineRequest request, CancellationToken cancellationToken = default) =>
        RunBatch([request], null, cancellationToken)[0];

    /// <summary>
    /// Runs a batch and returns exactly one outcome per request, in order. <paramref name="onFinished"/> is called
    /// as soon as each request finishes (possibly long before the batch does), on the calling thread.
    /// </summary>
    /// <param name="requests">The batch; each request may carry its own cancellation token and generation settings.</param>
    /// <param name="onFinished">Called with the request's index and outcome as each request finishes.</param>
    /// <param name="cancellationToken">Cancels the whole batch (e.g. shutdown): unfinished requests end Cancelled.</param>
    public IReadOnlyList<EngineOutcome> RunBatch(IReadOnlyList<EngineRequest> requests,
        Action<int, EngineOutcome>? onFinished = null, CancellationToken cancellationToken = default) =>
        Execute(requests, onFinished, joiners: null, cancellationToken).Outcomes;

    /// <summary>
    /// Runs a batch that other requests may join between decoder steps (continuous batching, when
    /// <see cref="ContinuousDecoding"/>): each joiner's vision, encoder and first decoder step run as a prefill of its
    /// own, then its rows decode beside the others', with its own positions and the gap in its history masked, so it
    /// gets the tokens it would get alone. Returns when no request is left decoding and none joins.
    /// </summary>
    /// <remarks>
    /// Every outcome, joiners' included, is reported through <paramref name="onFinished"/> exactly once and nothing of
    /// a request is kept once it is answered: while requests keep joining, the batch runs as long as the service does.
    /// </remarks>
    /// <param name="requests">The batch's own requests (indexes 0 … n−1).</param>
    /// <param name="onFinished">Called with the request's index and outcome as each request finishes, joiners too.</param>
    /// <param name="joiners">Asked for joiners between steps; ignored (cohort batching) unless <see cref="ContinuousDecoding"/>.</param>
    /// <param name="cancellationToken">Cancels the whole batch, joiners included.</param>
    public void RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome> onFinished,
        JoinerSource joiners, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onFinished);
        ArgumentNullException.ThrowIfNull(joiners);
        Execute(requests, onFinished, ContinuousDecoding ? joiners : null, cancellationToken);
    }

    private BatchRun Execute(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome>? onFinished,
        JoinerSource? joiners, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        lock (_runLock)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            var run = new BatchRun(this, requests, onFinished, joiners, cancellationToken);
            run.Execute();
            return run;
        }
    }

    /// <summary>
    /// Whether requests can join a running batch: the merged decoder was rewritten at load to take per-row positions
    /// and a self-attention bias (see <see cref="ModelSessions.ContinuousDecoding"/>).
    /// </summary>
    public bool ContinuousDecoding => _sessions.ContinuousDecoding;

    /// <summary>Why requests cannot join a running batch though it was asked for; null otherwise.</summary>
    public string? ContinuousDecodingUnavailable => _sessions.ContinuousDecodingUnavailable;

    private int _disposed;

    public void Dispose()
    {
        // Idempotent, and never while a batch runs: releasing a native session twice, or under a running graph,
        // corrupts the heap.
        lock (_runLock)
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        }
        _ops.Dispose();
        _sessions.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
