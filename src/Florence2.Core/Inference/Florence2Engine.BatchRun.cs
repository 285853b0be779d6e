using System.Diagnostics;
using Florence2.Generation;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Florence2.Inference;

/// <summary>One batch's run through the model: admission, encoding, and the decode loop rows leave as they finish.</summary>
public sealed partial class Florence2Engine
{
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
        private int _visionImages;
        private int _visionCacheHits;
        private readonly VisionFeatureSource[] _visionSources = new VisionFeatureSource[requests.Count];

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
                promptIds = request.PromptIds ?? engine.EncodePrompt(request.Prompt);
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
            var stopwatch = Stopwatch.StartNew();
            OrtValue imageFeatures;
            using (Activity.StartActivity("florence2.vision"))
                imageFeatures = VisionFeatures(live);
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

        /// <summary>The batch's image features, each distinct image encoded once (or taken from the cache).</summary>
        private OrtValue VisionFeatures(List<LiveRequest> live)
        {
            var pass = new VisionPass(engine, _runOptions);
            var features = pass.Run([.. live.Select(r => r.Request)]);
            (_visionImages, _visionCacheHits) = (pass.Encoded, pass.CacheHits);
            for (int r = 0; r < live.Count; r++) _visionSources[live[r].Index] = pass.RowSources[r];
            return features;
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
            // Step 0 feeds empty pasts [rows, H, 0, hd] (shaped from the metadata); later steps the kept caches, so the
            // empty tensor is made only once per batch rather than on every step.
            using var emptyPast = firstStep
                ? OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [rows, Dims.DecoderHeads, 0, Dims.HeadDim])
                : null;

            using var binding = Sessions.Decoder.CreateIoBinding();
            binding.BindInput(DecoderTensorNames.InputsEmbeds, embeds);
            binding.BindInput(DecoderTensorNames.EncoderHiddenStates, cache.EncoderStates);
            binding.BindInput(DecoderTensorNames.EncoderAttentionMask, cache.EncoderMask);
            binding.BindInput(DecoderTensorNames.UseCacheBranch, useCache);
            for (int i = 0; i < names.PastDecoder.Length; i++)
            {
                binding.BindInput(names.PastDecoder[i], emptyPast ?? cache.SelfAttention[i]);
                binding.BindInput(names.PastEncoder[i], emptyPast ?? cache.CrossAttention[i]);
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
            var search = request.Search;
            var ids = search.Result;
            string text = engine._tokenizer.Decode(ids);
            var timings = new StageTimings(_admitted, _visionMs, _encoderMs, decoderMs, steps)
            {
                VisionImages = _visionImages,
                VisionCacheHits = _visionCacheHits,
                VisionSource = _visionSources[request.Index],
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
