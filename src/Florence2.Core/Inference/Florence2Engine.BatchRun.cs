using System.Diagnostics;
using Florence2.Generation;
using Florence2.Inference.ContinuousDecoding;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Florence2.Inference;

/// <summary>One batch's run through the model: admission, prefill, and the decode loop requests join and leave.</summary>
public sealed partial class Florence2Engine
{
    /// <summary>The state of one batch from start to the last request leaving it.</summary>
    /// <remarks>
    /// Requests enter in groups: the batch's own requests, then (continuous batching) each group of joiners. A group is
    /// prefilled on its own — vision, encoder and the decoder's first step in a cache of its own, exactly as if it were
    /// a batch — and its cache rows are then appended to the running ones. From there on every step feeds each row its
    /// own position and masks the part of the shared self-attention cache that predates the row (spec §17).
    /// </remarks>
    private sealed partial class BatchRun(
        Florence2Engine engine,
        IReadOnlyList<EngineRequest> batch,
        Action<int, EngineOutcome>? onFinished,
        JoinerSource? joiners,
        CancellationToken batchCancellation)
    {
        /// <summary>
        /// The requests not answered yet, by index. A batch that requests keep joining runs for as long as they keep
        /// coming, so it lets go of each request (its image above all) as soon as it is answered.
        /// </summary>
        private readonly Dictionary<int, EngineRequest> _unanswered = batch.Index().ToDictionary(p => p.Index, p => p.Item);

        private readonly EngineOutcome?[] _outcomes = new EngineOutcome?[batch.Count];

        /// <summary>The index the next joiner gets.</summary>
        private int _nextIndex = batch.Count;
        private readonly RunOptions _runOptions = new();

        /// <summary>Positions in the shared self-attention cache (every row's history is right-aligned in it).</summary>
        private long _selfLength;

        /// <summary>The last decoder step's and prefill's cost (<see cref="JoinMoment"/>); 0 until measured.</summary>
        private double _stepMs, _prefillMsPerRequest;

        /// <summary>The span of the decoder steps since the batch's requests last changed by joining; null between.</summary>
        private Activity? _decodeSpan;
        private int _decodeSpanSteps;

        /// <summary>The outcomes of the batch's own requests, in order (joiners are reported through the callback only).</summary>
        public IReadOnlyList<EngineOutcome> Outcomes => _outcomes.Select(o => o!).ToArray();

        private ModelSessions Sessions => engine._sessions;
        private ModelDimensions Dims => engine.Dimensions;

        public void Execute()
        {
            // A batch that requests may join can run as long as traffic lasts: no span covers it whole, or it would
            // never be exported. Its prefills and decode stretches are spans of their own, each bounded.
            using var batchActivity = joiners is null ? Activity.StartActivity("florence2.batch") : null;
            batchActivity?.SetTag("florence2.batch_size", batch.Count);
            using var cancelRegistration = batchCancellation.Register(() => _runOptions.Terminate = true);
            try
            {
                using var cache = new DecoderCache(engine._ops);
                Decode(Prefill(Enumerable.Range(0, batch.Count), [], cache, joining: false), cache);
            }
            catch (Exception ex) when (batchCancellation.IsCancellationRequested && ex is OnnxRuntimeException or OperationCanceledException)
            {
                // Shutdown: every request not answered yet, joiners included, ends Cancelled (below).
            }
            catch (Exception ex)
            {
                // Every request still in the batch gets exactly one answer, even when the model itself fails.
                foreach (int index in Unanswered()) Finish(index, new EngineOutcome(EngineOutcomeStatus.Failed, Error: ex));
            }
            finally
            {
                EndDecodeSpan();
                _runOptions.Dispose();
                foreach (int index in Unanswered()) Finish(index, EngineOutcome.Cancelled);
            }
        }

        /// <summary>
        /// Admits the requests at <paramref name="indexes"/>, runs their vision, encoder and first decoder step in a cache
        /// of their own, and appends the rows still decoding to <paramref name="cache"/>; returns the live requests.
        /// </summary>
        private List<LiveRequest> Prefill(IEnumerable<int> indexes, List<LiveRequest> live, DecoderCache cache, bool joining)
        {
            long started = Stopwatch.GetTimestamp();
            using var prefillActivity = Activity.StartActivity("florence2.prefill");
            prefillActivity?.SetTag("florence2.joining", joining);
            var newcomers = new List<LiveRequest>();
            var prompts = new Dictionary<int, int[]>();
            foreach (int index in indexes)
            {
                if (!TryAdmit(index, out int[] prompt)) continue;
                prompts[index] = prompt;
                var request = _unanswered[index];
                int maxLength = engine.MaxDecoderLength(request.Generation);
                newcomers.Add(new LiveRequest(index, request, SequenceSearch.Create(request.Generation, engine._tokens, maxLength), maxLength - 1));
            }
            if (newcomers.Count == 0) return live;
            prefillActivity?.SetTag("florence2.requests", newcomers.Count);

            // On failure the batch answers every request it holds, these included (Execute).
            using var group = new DecoderCache(engine._ops);
            var prefill = Encode(newcomers, prompts, group) with { BatchSize = live.Count + newcomers.Count };
            long decodeStarted = Stopwatch.GetTimestamp();
            foreach (var request in newcomers) (request.Prefill, request.DecodeStarted) = (prefill, decodeStarted);
            int admitted = newcomers.Count;
            newcomers = Step(newcomers, group, firstStep: true);
            _prefillMsPerRequest = Stopwatch.GetElapsedTime(started).TotalMilliseconds / admitted;
            if (newcomers.Count == 0) return live;
            if (live.Count == 0)
            {
                cache.Clear(); // rows of requests that have all left
                _selfLength = 1;
            }
            cache.AppendRows(group, _selfLength);
            return [.. live, .. newcomers];
        }

        private bool TryAdmit(int index, out int[] promptIds)
        {
            promptIds = [];
            var request = _unanswered[index];
            if (request.CancellationToken.IsCancellationRequested || batchCancellation.IsCancellationRequested)
            {
                Finish(index, EngineOutcome.Cancelled);
                return false;
            }
            try
            {
                promptIds = request.PromptIds ?? engine.EncodePrompt(request.Prompt);
                return true;
            }
            catch (Exception ex) when (ex is ArgumentException)
            {
                Finish(index, new EngineOutcome(EngineOutcomeStatus.Failed, Error: ex));
                return false;
            }
        }

        /// <summary>Vision encoder, prompt embeddings and encoder for <paramref name="group"/>; fills the cache's encoder side.</summary>
        private PrefillTimings Encode(List<LiveRequest> group, Dictionary<int, int[]> prompts, DecoderCache cache)
        {
            int n = group.Count;
            var stopwatch = Stopwatch.StartNew();
            OrtValue imageFeatures;
            var pass = new VisionPass(engine, _runOptions);
            using (Activity.StartActivity("florence2.vision"))
                imageFeatures = pass.Run([.. group.Select(r => r.Request)]);
            for (int r = 0; r < n; r++) group[r].VisionSource = pass.RowSources[r];
            double visionMs = stopwatch.Elapsed.TotalMilliseconds;
            stopwatch.Restart();

            using var encoderActivity = Activity.StartActivity("florence2.encoder");
            using (imageFeatures)
            {
                int imageTokens = (int)imageFeatures.GetTensorTypeAndShape().Shape[1];
                int textLength = group.Max(r => prompts[r.Index].Length);
                // Prompts of different lengths are right-padded with <pad> and masked out (transformers.js semantics).
                var ids = new long[n * textLength];
                var mask = new long[n * (imageTokens + textLength)];
                for (int r = 0; r < n; r++)
                {
                    int[] prompt = prompts[group[r].Index];
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
            }
            return new PrefillTimings(n, visionMs, stopwatch.Elapsed.TotalMilliseconds, pass.Encoded, pass.CacheHits);
        }

        /// <summary>Cached steps until every request has left the batch and no joiner is waiting.</summary>
        private void Decode(List<LiveRequest> live, DecoderCache cache)
        {
            while (true)
            {
                if (joiners is not null) live = Join(joiners, live, cache);
                if (live.Count == 0) break;
                batchCancellation.ThrowIfCancellationRequested();
                StartDecodeSpan(live);
                long stepStarted = Stopwatch.GetTimestamp();
                live = Step(live, cache, firstStep: false);
                _stepMs = Stopwatch.GetElapsedTime(stepStarted).TotalMilliseconds;
                _decodeSpanSteps++;
                DropUnseenPositions(live, cache);
            }
            EndDecodeSpan();
        }

        private void StartDecodeSpan(List<LiveRequest> live)
        {
            if (_decodeSpan is not null) return;
            _decodeSpan = Activity.StartActivity("florence2.decode");
            _decodeSpan?.SetTag("florence2.requests", live.Count);
            _decodeSpan?.SetTag("florence2.rows", live.Sum(r => r.Search.RowCount));
            _decodeSpanSteps = 0;
        }

        private void EndDecodeSpan()
        {
            if (_decodeSpan is not { } span) return;
            _decodeSpan = null;
            span.SetTag("florence2.decoder_steps", _decodeSpanSteps);
            span.Dispose();
        }

        /// <summary>
        /// Asks <paramref name="source"/> for joiners and prefills them; returns the live requests. The decode span
        /// ends where requests join, so their prefill is not inside it and no span outlives the requests it covers.
        /// </summary>
        /// <remarks>A method of its own so that no slot of the long-lived decode loop keeps the last joiners reachable.</remarks>
        private List<LiveRequest> Join(JoinerSource source, List<LiveRequest> live, DecoderCache cache)
        {
            var moment = new JoinMoment(live.Sum(r => r.Request.Generation.NumBeams),
                live.Count == 0 ? 0 : live.Min(r => r.StepsLeft), _stepMs, _prefillMsPerRequest);
            var arrivals = source(moment);
            if (arrivals.Count == 0) return live;
            EndDecodeSpan();
            int first = _nextIndex;
            foreach (var request in arrivals) _unanswered.Add(_nextIndex++, request);
            return Prefill(Enumerable.Range(first, arrivals.Count), live, cache, joining: true);
        }

        /// <summary>
        /// One decoder step for every row of <paramref name="live"/>; advances each request's search, answers those that
        /// finished or were cancelled, and re-lays the cache rows for the rest. Returns the requests still decoding.
        /// </summary>
        private List<LiveRequest> Step(List<LiveRequest> live, DecoderCache cache, bool firstStep)
        {
            int rows = live.Sum(r => r.Search.RowCount);
            var currentTokens = new long[rows];
            int offset = 0;
            foreach (var request in live)
            {
                request.Search.WriteNextInputTokens(currentTokens.AsSpan(offset, request.Search.RowCount));
                offset += request.Search.RowCount;
            }

            using var logits = RunDecoderStep(cache, live, currentTokens, firstStep);
            if (!firstStep) _selfLength++; // a prefill's own cache starts at one position; Prefill aligns it
            foreach (var request in live) request.Fed++;

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
                    Finish(request.Index, Complete(request));
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
            if (still.Count == 0) return still;
            batchCancellation.ThrowIfCancellationRequested();

            if (!IsIdentity(selfRows, rows)) cache.GatherSelfAttention(selfRows.ToArray());
            if (layoutChanged) cache.GatherEncoderSide(encoderRows.ToArray());
            return still;
        }

        /// <summary>
        /// Once the rows that joined earliest have left, the oldest cache positions may be masked for every row still
        /// decoding: they are dropped, so a long-lived batch costs what its longest live history costs.
        /// </summary>
        private void DropUnseenPositions(List<LiveRequest> live, DecoderCache cache)
        {
            if (live.Count == 0) return;
            long unseen = _selfLength - live.Max(r => (long)r.Fed);
            if (unseen <= 0) return;
            cache.DropLeadingSelfPositions(unseen);
            _selfLength -= unseen;
        }

        private EngineOutcome Complete(LiveRequest request)
        {
            var search = request.Search;
            var ids = search.Result;
            string text = engine._tokenizer.Decode(ids);
            var prefill = request.Prefill;
            var timings = new StageTimings(prefill.BatchSize, prefill.VisionMs, prefill.EncoderMs,
                Stopwatch.GetElapsedTime(request.DecodeStarted).TotalMilliseconds, request.Fed)
            {
                VisionImages = prefill.VisionImages,
                VisionCacheHits = prefill.VisionCacheHits,
                VisionSource = request.VisionSource,
            };
            var result = new EngineResult(ids, text, timings)
            {
                Tokens = GeneratedTokens(ids, search.TokenLogProbs),
                SequenceScore = GeneratedToken.Finite(search.SequenceScore),
            };
            return new EngineOutcome(EngineOutcomeStatus.Completed, result);
        }

        /// <summary>The ids after the decoder start token with their texts and log-probabilities (one per generated token).</summary>
        private GeneratedToken[] GeneratedTokens(IReadOnlyList<int> ids, IReadOnlyList<float> logProbs)
        {
            var tokens = new GeneratedToken[Math.Max(0, ids.Count - 1)];
            for (int i = 0; i < tokens.Length; i++)
            {
                int id = ids[i + 1];
                float logProb = i < logProbs.Count ? logProbs[i] : 0f;
                tokens[i] = new GeneratedToken(id, engine._tokenizer.DecodeToken(id), GeneratedToken.Finite(logProb));
            }
            return tokens;
        }

        private void Finish(int index, EngineOutcome outcome)
        {
            if (!_unanswered.Remove(index)) return;
            if (index < _outcomes.Length) _outcomes[index] = outcome;
            onFinished?.Invoke(index, outcome);
        }

        /// <summary>The indexes of the requests not answered yet, in order.</summary>
        private int[] Unanswered() => [.. _unanswered.Keys.Order()];

        private static bool IsIdentity(List<long> rows, int previousRows)
        {
            if (rows.Count != previousRows) return false;
            for (int i = 0; i < rows.Count; i++)
                if (rows[i] != i) return false;
            return true;
        }
    }
}
