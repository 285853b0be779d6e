using System.Diagnostics;
using Florence2.Generation;
using Florence2.Models;
using Florence2.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

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
public sealed class Florence2Engine : IDisposable, IAsyncDisposable
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

    public Florence2Engine(ModelFolder folder, Florence2Tokenizer tokenizer, ExecutionProviderSelector providers)
    {
        _tokenizer = tokenizer;
        _tokens = folder.Config.Tokens;
        _imageSize = folder.Config.ImageSize;
        _sessions = ModelSessions.Load(folder, providers.CreateSessionOptions);
        Provider = providers.Choice;
        _deviceMemory = Provider.Kind == ExecutionProviderKind.Cuda
            ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, providers.DeviceId, OrtMemType.Default)
            : OrtMemoryInfo.DefaultInstance;
        _ops = new TensorOps(providers.CreateSessionOptions, _deviceMemory);
        Model = folder;
    }

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
        Action<int, EngineOutcome>? onFinished = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        lock (_runLock)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            var run = new BatchRun(this, requests, onFinished, cancellationToken);
            run.Execute();
            return run.Outcomes;
        }
    }

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

    /// <summary>The state of one batch from start to the last request leaving it.</summary>
    private sealed class BatchRun(
        Florence2Engine engine,
        IReadOnlyList<EngineRequest> requests,
        Action<int, EngineOutcome>? onFinished,
        CancellationToken batchCancellation)
    {
        private readonly EngineOutcome?[] _outcomes = new EngineOutcome?[requests.Count];
        private readonly RunOptions _runOptions = new();
        private int _admitted;
        private double _visionMs;
        private double _encoderMs;

        public IReadOnlyList<EngineOutcome> Outcomes => _outcomes.Select(o => o!).ToArray();

        private ModelSessions Sessions => engine._sessions;
        private ModelDimensions Dims => engine.Dimensions;

        public void Execute()
        {
            using var batchActivity = Activity.StartActivity("florence2.batch");
            batchActivity?.SetTag("florence2.batch_size", requests.Count);
            using var cancelRegistration = batchCancellation.Register(() => _runOptions.Terminate = true);
            var live = new List<LiveRequest>();
            try
            {
                var prompts = new int[requests.Count][];
                for (int i = 0; i < requests.Count; i++)
                {
                    if (!TryAdmit(i, out prompts[i])) continue;
                    live.Add(new LiveRequest(i, requests[i], CreateSearch(requests[i].Generation)));
                }
                if (live.Count == 0) return;
                _admitted = live.Count;

                using var cache = new DecoderCache(engine._ops);
                Encode(live, prompts, cache);
                Decode(live, cache);
            }
            catch (Exception ex) when (batchCancellation.IsCancellationRequested && ex is OnnxRuntimeException or OperationCanceledException)
            {
                foreach (var request in live) Finish(request.Index, EngineOutcome.Cancelled);
            }
            catch (Exception ex)
            {
                // Every request still in the batch gets exactly one answer, even when the model itself fails.
                for (int i = 0; i < _outcomes.Length; i++) Finish(i, new EngineOutcome(EngineOutcomeStatus.Failed, Error: ex));
            }
            finally
            {
                _runOptions.Dispose();
                for (int i = 0; i < _outcomes.Length; i++)
                    if (_outcomes[i] is null) Finish(i, EngineOutcome.Cancelled);
            }
        }

        private bool TryAdmit(int index, out int[] promptIds)
        {
            promptIds = [];
            var request = requests[index];
            if (request.CancellationToken.IsCancellationRequested || batchCancellation.IsCancellationRequested)
            {
                Finish(index, EngineOutcome.Cancelled);
                return false;
            }
            try
            {
                promptIds = engine._tokenizer.EncodePrompt(request.Prompt);
                if (promptIds.Length > Dims.MaxPromptTokens)
                    throw new PromptTooLongException(promptIds.Length, Dims.MaxPromptTokens);
                return true;
            }
            catch (Exception ex) when (ex is ArgumentException)
            {
                Finish(index, new EngineOutcome(EngineOutcomeStatus.Failed, Error: ex));
                return false;
            }
        }

        private ISequenceSearch CreateSearch(GenerationSettings settings) =>
            SequenceSearch.Create(settings, engine._tokens, engine.MaxDecoderLength(settings));

        /// <summary>Vision encoder, prompt embeddings and encoder for all live requests; fills the cache's encoder side.</summary>
        private void Encode(List<LiveRequest> live, int[][] prompts, DecoderCache cache)
        {
            int n = live.Count;
            var (width, height) = engine._imageSize;
            var stopwatch = Stopwatch.StartNew();
            OrtValue imageFeatures;
            using (Activity.StartActivity("florence2.vision"))
            {
                using var pixels = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [n, 3, height, width]);
                var all = pixels.GetTensorMutableDataAsSpan<float>();
                int perImage = 3 * width * height;
                for (int r = 0; r < n; r++)
                    live[r].Request.Image.WritePixelValues(all.Slice(r * perImage, perImage), width, height);
                imageFeatures = RunSingle(Sessions.Vision, [("pixel_values", pixels)], "image_features");
            }
            _visionMs = stopwatch.Elapsed.TotalMilliseconds;
            stopwatch.Restart();

            using var encoderActivity = Activity.StartActivity("florence2.encoder");
            using (imageFeatures)
            {
                int imageTokens = (int)imageFeatures.GetTensorTypeAndShape().Shape[1];
                int textLength = live.Max(r => prompts[r.Index].Length);
                // Prompts of different lengths are right-padded with <pad> and masked out (transformers.js semantics).
                var ids = new long[n * textLength];
                var mask = new long[n * (imageTokens + textLength)];
                for (int r = 0; r < n; r++)
                {
                    int[] prompt = prompts[live[r].Index];
                    for (int t = 0; t < textLength; t++)
                        ids[r * textLength + t] = t < prompt.Length ? prompt[t] : engine._tokens.Pad;
                    var maskRow = mask.AsSpan(r * (imageTokens + textLength), imageTokens + textLength);
                    maskRow[..(imageTokens + prompt.Length)].Fill(1);
                }
                using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [n, textLength]);
                using var textEmbeds = RunSingle(Sessions.Embed, [("input_ids", idsValue)], "inputs_embeds");
                using var inputsEmbeds = engine._ops.Concat(imageFeatures, textEmbeds, axis: 1);
                var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [n, imageTokens + textLength]);
                OrtValue states;
                try
                {
                    states = RunSingle(Sessions.Encoder, [("inputs_embeds", inputsEmbeds), ("attention_mask", maskValue)], "last_hidden_state");
                }
                catch
                {
                    maskValue.Dispose();
                    throw;
                }
                cache.SetEncoder(states, maskValue);
                _encoderMs = stopwatch.Elapsed.TotalMilliseconds;
            }
        }

        /// <summary>Step 0 without cache, then cached steps until every request has left the batch.</summary>
        private void Decode(List<LiveRequest> live, DecoderCache cache)
        {
            using var decodeActivity = Activity.StartActivity("florence2.decode");
            var stopwatch = Stopwatch.StartNew();
            int step = 0;
            while (live.Count > 0)
            {
                int rows = live.Sum(r => r.Search.RowCount);
                var currentTokens = new long[rows];
                int offset = 0;
                foreach (var request in live)
                {
                    request.Search.WriteNextInputTokens(currentTokens.AsSpan(offset, request.Search.RowCount));
                    offset += request.Search.RowCount;
                }

                using var logits = RunDecoderStep(cache, currentTokens, step == 0);
                step++;

                var logitsSpan = logits.GetTensorDataAsSpan<float>();
                int vocab = (int)logits.GetTensorTypeAndShape().Shape[^1];
                var selfRows = new List<long>(rows);
                var encoderRows = new List<long>(rows);
                bool layoutChanged = false;
                offset = 0;
                var still = new List<LiveRequest>(live.Count);
                foreach (var request in live)
                {
                    int count = request.Search.RowCount;
                    if (request.Request.CancellationToken.IsCancellationRequested)
                    {
                        Finish(request.Index, EngineOutcome.Cancelled);
                        layoutChanged = true;
                        offset += count;
                        continue;
                    }
                    var parents = new int[Math.Max(count, request.Request.Generation.NumBeams)];
                    int next = request.Search.Advance(logitsSpan.Slice(offset * vocab, count * vocab), vocab, parents);
                    if (request.Search.IsDone || next == 0)
                    {
                        Finish(request.Index, Complete(request, step, stopwatch.Elapsed.TotalMilliseconds));
                        layoutChanged = true;
                    }
                    else
                    {
                        for (int j = 0; j < next; j++)
                        {
                            selfRows.Add(offset + parents[j]);
                            encoderRows.Add(offset); // every row of a request holds the same encoder data
                        }
                        layoutChanged |= next != count;
                        still.Add(request);
                    }
                    offset += count;
                }
                live = still;
                if (live.Count == 0) break;
                batchCancellation.ThrowIfCancellationRequested();

                if (!IsIdentity(selfRows, rows)) cache.GatherSelfAttention(selfRows.ToArray());
                if (layoutChanged) cache.GatherEncoderSide(encoderRows.ToArray());
            }
            decodeActivity?.SetTag("florence2.decoder_steps", step);
        }

        /// <summary>Embeds this step's tokens and runs the merged decoder; returns host logits [rows, 1, V].</summary>
        private OrtValue RunDecoderStep(DecoderCache cache, long[] tokens, bool firstStep)
        {
            var names = Sessions.DecoderNames;
            int rows = tokens.Length;
            using var idsValue = OrtValue.CreateTensorValueFromMemory(tokens, [rows, 1]);
            using var embeds = RunSingle(Sessions.Embed, [("input_ids", idsValue)], "inputs_embeds");
            using var useCache = OrtValue.CreateTensorValueFromMemory(new[] { !firstStep }, [1]);
            // Step 0 feeds empty pasts [rows, H, 0, hd] (shaped from the metadata); later steps the kept caches.
            using var emptyPast = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float,
                [rows, Dims.DecoderHeads, 0, Dims.HeadDim]);

            using var binding = Sessions.Decoder.CreateIoBinding();
            binding.BindInput(DecoderTensorNames.InputsEmbeds, embeds);
            binding.BindInput(DecoderTensorNames.EncoderHiddenStates, cache.EncoderStates);
            binding.BindInput(DecoderTensorNames.EncoderAttentionMask, cache.EncoderMask);
            binding.BindInput(DecoderTensorNames.UseCacheBranch, useCache);
            for (int i = 0; i < names.PastDecoder.Length; i++)
            {
                binding.BindInput(names.PastDecoder[i], firstStep ? emptyPast : cache.SelfAttention[i]);
                binding.BindInput(names.PastEncoder[i], firstStep ? emptyPast : cache.CrossAttention[i]);
            }
            binding.BindOutputToDevice(DecoderTensorNames.Logits, OrtMemoryInfo.DefaultInstance);
            foreach (string name in names.PresentDecoder) binding.BindOutputToDevice(name, engine._deviceMemory);
            foreach (string name in names.PresentEncoder) binding.BindOutputToDevice(name, engine._deviceMemory);

            var outputs = Sessions.Decoder.RunWithBoundResults(_runOptions, binding).ToArray();
            int layers2 = names.PresentDecoder.Length;
            cache.SetSelfAttention(outputs[1..(1 + layers2)]);
            var encoderPresents = outputs[(1 + layers2)..];
            if (firstStep)
                cache.SetCrossAttention(encoderPresents);
            else
                foreach (var placeholder in encoderPresents) placeholder.Dispose(); // optimum's empty placeholders
            return outputs[0];
        }

        private OrtValue RunSingle(InferenceSession session, (string Name, OrtValue Value)[] inputs, string output)
        {
            using var binding = session.CreateIoBinding();
            foreach (var (name, value) in inputs) binding.BindInput(name, value);
            binding.BindOutputToDevice(output, engine._deviceMemory);
            return session.RunWithBoundResults(_runOptions, binding).Single();
        }

        private EngineOutcome Complete(LiveRequest request, int steps, double decoderMs)
        {
            var ids = request.Search.Result;
            string text = engine._tokenizer.Decode(ids);
            var timings = new StageTimings(_admitted, _visionMs, _encoderMs, decoderMs, steps);
            return new EngineOutcome(EngineOutcomeStatus.Completed, new EngineResult(ids, text, timings));
        }

        private void Finish(int index, EngineOutcome outcome)
        {
            if (_outcomes[index] is not null) return;
            _outcomes[index] = outcome;
            onFinished?.Invoke(index, outcome);
        }

        private static bool IsIdentity(List<long> rows, int previousRows)
        {
            if (rows.Count != previousRows) return false;
            for (int i = 0; i < rows.Count; i++)
                if (rows[i] != i) return false;
            return true;
        }
    }

    private sealed record LiveRequest(int Index, EngineRequest Request, ISequenceSearch Search);
}
