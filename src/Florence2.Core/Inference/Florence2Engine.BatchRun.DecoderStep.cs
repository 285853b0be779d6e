using Florence2.Inference.ContinuousDecoding;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Florence2.Inference;

/// <summary>One decoder step of a batch: the merged decoder run on every live row, with per-row positions when rewritten.</summary>
public sealed partial class Florence2Engine
{
    private sealed partial class BatchRun
    {
        /// <summary>Added to the scores of self-attention positions a row must not see (finite: see the fixture's masks).</summary>
        private const float MaskedScore = -1e9f;

        /// <summary>Embeds this step's tokens and runs the merged decoder; returns host logits [rows, 1, V].</summary>
        private OrtValue RunDecoderStep(DecoderCache cache, List<LiveRequest> live, long[] tokens, bool firstStep)
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
            var (positions, bias) = Sessions.ContinuousDecoding ? RowPositions(live, rows, firstStep) : (null, null);
            using var positionsValue = positions;
            using var biasValue = bias;

            using var binding = Sessions.Decoder.CreateIoBinding();
            binding.BindInput(DecoderTensorNames.InputsEmbeds, embeds);
            binding.BindInput(DecoderTensorNames.EncoderHiddenStates, cache.EncoderStates);
            binding.BindInput(DecoderTensorNames.EncoderAttentionMask, cache.EncoderMask);
            binding.BindInput(DecoderTensorNames.UseCacheBranch, useCache);
            if (positionsValue is not null) binding.BindInput(ContinuousDecoderInputs.PositionIds, positionsValue);
            if (biasValue is not null) binding.BindInput(ContinuousDecoderInputs.SelfAttentionBias, biasValue);
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

        /// <summary>
        /// The rewritten decoder's extra inputs: each row's own position (the tokens its request was fed before this
        /// one) and a bias masking the cache positions that predate the row, its history being right-aligned in the
        /// shared cache. Rows that started together get the shared position and no mask: the original graph's numbers.
        /// </summary>
        private (OrtValue Positions, OrtValue Bias) RowPositions(List<LiveRequest> live, int rows, bool firstStep)
        {
            long total = firstStep ? 1 : _selfLength + 1;
            var positions = new long[rows];
            var bias = new float[rows * total];
            int row = 0;
            foreach (var request in live)
            {
                long unseen = firstStep ? 0 : _selfLength - request.Fed;
                for (int j = 0; j < request.Search.RowCount; j++, row++)
                {
                    positions[row] = request.Fed;
                    bias.AsSpan((int)(row * total), (int)unseen).Fill(MaskedScore);
                }
            }
            return (OrtValue.CreateTensorValueFromMemory(positions, [rows, 1]), OrtValue.CreateTensorValueFromMemory(bias, [rows, total]));
        }

        private OrtValue RunSingle(InferenceSession session, (string Name, OrtValue Value)[] inputs, string output)
        {
            using var binding = session.CreateIoBinding();
            foreach (var (name, value) in inputs) binding.BindInput(name, value);
            binding.BindOutputToDevice(output, engine._deviceMemory);
            return session.RunWithBoundResults(_runOptions, binding).Single();
        }
    }
}
