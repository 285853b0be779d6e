using Florence2.Inference.ContinuousDecoding;
using Florence2.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Florence2.Inference;

/// <summary>
/// The four ONNX Runtime sessions of one model instance, with their metadata checked against the tensor contract
/// of the onnx-community export (spec §2.2) and the dimensions derived from it.
/// </summary>
public sealed class ModelSessions : IDisposable, IAsyncDisposable
{
    private ModelSessions(InferenceSession vision, InferenceSession embed, InferenceSession encoder, InferenceSession decoder,
        ModelDimensions dimensions, bool continuousDecoding, string? continuousDecodingUnavailable)
    {
        Vision = vision;
        Embed = embed;
        Encoder = encoder;
        Decoder = decoder;
        Dimensions = dimensions;
        DecoderNames = new DecoderTensorNames(dimensions.DecoderLayers);
        ContinuousDecoding = continuousDecoding;
        ContinuousDecodingUnavailable = continuousDecodingUnavailable;
    }

    public InferenceSession Vision { get; }
    public InferenceSession Embed { get; }
    public InferenceSession Encoder { get; }
    public InferenceSession Decoder { get; }
    public ModelDimensions Dimensions { get; }
    internal DecoderTensorNames DecoderNames { get; }

    /// <summary>
    /// True when <see cref="Decoder"/> is the merged decoder rewritten for continuous batching: it then also takes
    /// <see cref="ContinuousDecoderInputs.PositionIds"/> and <see cref="ContinuousDecoderInputs.SelfAttentionBias"/>.
    /// </summary>
    public bool ContinuousDecoding { get; }

    /// <summary>Why the rewrite was requested but the file was loaded as it is; null when rewritten or not requested.</summary>
    public string? ContinuousDecodingUnavailable { get; }

    /// <inheritdoc cref="Load(ModelFolder, Func{SessionOptions}, bool)"/>
    public static ModelSessions Load(ModelFolder folder, Func<SessionOptions> sessionOptions) =>
        Load(folder, sessionOptions, rewriteForContinuousBatching: false);

    /// <param name="folder">The model files.</param>
    /// <param name="sessionOptions">Makes the options of each session.</param>
    /// <param name="rewriteForContinuousBatching">
    /// Load the merged decoder rewritten in memory for per-row positions and a self-attention bias (the file itself is
    /// never written). When the rewrite or its load fails, the file is loaded as it is and
    /// <see cref="ContinuousDecodingUnavailable"/> says why.
    /// </param>
    /// <exception cref="ModelLoadException">A graph does not have the tensors the engine feeds, or disagrees with config.json.</exception>
    public static ModelSessions Load(ModelFolder folder, Func<SessionOptions> sessionOptions, bool rewriteForContinuousBatching)
    {
        var opened = new List<InferenceSession>();
        try
        {
            InferenceSession Open(ModelComponent component)
            {
                string path = folder.PathOf(component);
                using var options = sessionOptions();
                try
                {
                    var session = new InferenceSession(path, options);
                    if (Float32Boundary.Needed(session))
                    {
                        // An fp16 file exported without keep_io_types: the same graph behind float32 inputs/outputs.
                        session.Dispose();
                        session = new InferenceSession(Float32Boundary.Wrap(path), options);
                    }
                    opened.Add(session);
                    return session;
                }
                catch (OnnxRuntimeException ex)
                {
                    throw new ModelLoadException($"ONNX Runtime could not load '{path}': {ex.Message}", path, ex);
                }
            }

            var vision = Open(ModelComponent.VisionEncoder);
            var embed = Open(ModelComponent.EmbedTokens);
            var encoder = Open(ModelComponent.Encoder);
            string? unavailable = null;
            InferenceSession? decoder = null;
            if (rewriteForContinuousBatching)
            {
                using var options = sessionOptions();
                decoder = ContinuousDecoderSession.TryOpen(folder.PathOf(ModelComponent.DecoderMerged), options, folder.Config.DecoderLayers, out string reason);
                if (decoder is null) unavailable = reason;
                else opened.Add(decoder);
            }
            bool continuous = decoder is not null;
            decoder ??= Open(ModelComponent.DecoderMerged);
            var dimensions = new SessionContract(folder).Check(vision, embed, encoder, decoder, continuous);
            return new ModelSessions(vision, embed, encoder, decoder, dimensions, continuous, unavailable);
        }
        catch
        {
            foreach (var session in opened) session.Dispose();
            throw;
        }
    }

    private int _disposed;

    public void Dispose()
    {
        // Idempotent: releasing a native session twice corrupts the heap.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Vision.Dispose();
        Embed.Dispose();
        Encoder.Dispose();
        Decoder.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Checks each session's declared inputs/outputs and derives the dimensions.</summary>
    private sealed class SessionContract(ModelFolder folder)
    {
        private Florence2Config Config => folder.Config;

        /// <summary>A rewritten decoder (<paramref name="continuous"/>) must declare the two continuous-batching inputs too.</summary>
        public ModelDimensions Check(InferenceSession vision, InferenceSession embed, InferenceSession encoder, InferenceSession decoder,
            bool continuous)
        {
            Require(vision, ModelComponent.VisionEncoder, true, "pixel_values", TensorElementType.Float, 4);
            Require(vision, ModelComponent.VisionEncoder, false, "image_features", TensorElementType.Float, 3);
            Require(embed, ModelComponent.EmbedTokens, true, "input_ids", TensorElementType.Int64, 2);
            var embedsOut = Require(embed, ModelComponent.EmbedTokens, false, "inputs_embeds", TensorElementType.Float, 3);
            Require(encoder, ModelComponent.Encoder, true, "inputs_embeds", TensorElementType.Float, 3);
            Require(encoder, ModelComponent.Encoder, true, "attention_mask", TensorElementType.Int64, 2);
            Require(encoder, ModelComponent.Encoder, false, "last_hidden_state", TensorElementType.Float, 3);
            Require(decoder, ModelComponent.DecoderMerged, true, DecoderTensorNames.InputsEmbeds, TensorElementType.Float, 3);
            Require(decoder, ModelComponent.DecoderMerged, true, DecoderTensorNames.EncoderHiddenStates, TensorElementType.Float, 3);
            Require(decoder, ModelComponent.DecoderMerged, true, DecoderTensorNames.EncoderAttentionMask, TensorElementType.Int64, 2);
            Require(decoder, ModelComponent.DecoderMerged, true, DecoderTensorNames.UseCacheBranch, TensorElementType.Bool, 1);
            var logits = Require(decoder, ModelComponent.DecoderMerged, false, DecoderTensorNames.Logits, TensorElementType.Float, 3);

            int layers = 0;
            while (decoder.InputMetadata.ContainsKey($"past_key_values.{layers}.decoder.key")) layers++;
            if (layers == 0)
                Fail(ModelComponent.DecoderMerged, "has no 'past_key_values.0.decoder.key' input; a merged decoder with KV cache is required");
            if (layers != Config.DecoderLayers)
                Fail(ModelComponent.DecoderMerged, $"has {layers} decoder layers of cache inputs but config.json says decoder_layers = {Config.DecoderLayers}");

            var names = new DecoderTensorNames(layers);
            NodeMetadata? firstPast = null;
            foreach (string name in names.PastDecoder.Concat(names.PastEncoder))
            {
                var meta = Require(decoder, ModelComponent.DecoderMerged, true, name, TensorElementType.Float, 4);
                firstPast ??= meta;
            }
            foreach (string name in names.PresentDecoder.Concat(names.PresentEncoder))
                Require(decoder, ModelComponent.DecoderMerged, false, name, TensorElementType.Float, 4);

            var known = new HashSet<string>(names.PastDecoder.Concat(names.PastEncoder))
            {
                DecoderTensorNames.InputsEmbeds, DecoderTensorNames.EncoderHiddenStates,
                DecoderTensorNames.EncoderAttentionMask, DecoderTensorNames.UseCacheBranch,
            };
            if (continuous)
            {
                Require(decoder, ModelComponent.DecoderMerged, true, ContinuousDecoderInputs.PositionIds, TensorElementType.Int64, 2);
                Require(decoder, ModelComponent.DecoderMerged, true, ContinuousDecoderInputs.SelfAttentionBias, TensorElementType.Float, 2);
                known.UnionWith([ContinuousDecoderInputs.PositionIds, ContinuousDecoderInputs.SelfAttentionBias]);
            }
            foreach (string extra in decoder.InputMetadata.Keys.Where(k => !known.Contains(k)))
                Fail(ModelComponent.DecoderMerged, $"declares input '{extra}', which this engine does not feed");

            int hidden = Agree("hidden size (inputs_embeds last dim)", embedsOut.Dimensions[2], Config.DModel);
            int vocab = Agree("vocabulary (logits last dim)", logits.Dimensions[2], Config.VocabSize);
            int heads = Agree("decoder heads (past dim 1)", firstPast!.Dimensions[1], Config.DecoderAttentionHeads);
            int headDim = firstPast.Dimensions[3] > 0 ? firstPast.Dimensions[3] : hidden / heads;
            if (heads * headDim != hidden)
                Fail(ModelComponent.DecoderMerged, $"has {heads} heads of {headDim}, which does not make the hidden size {hidden}");

            return new ModelDimensions(hidden, layers, heads, headDim, vocab, Config.MaxPositionEmbeddings, Config.ImageTokens);
        }

        private NodeMetadata Require(InferenceSession session, ModelComponent component, bool input, string name,
            TensorElementType type, int rank)
        {
            var table = input ? session.InputMetadata : session.OutputMetadata;
            if (!table.TryGetValue(name, out var meta))
                Fail(component, $"has no {(input ? "input" : "output")} '{name}'");
            if (!meta!.IsTensor || meta.ElementDataType != type)
                Fail(component, $"{(input ? "input" : "output")} '{name}' is {meta.ElementDataType}, expected {type}");
            if (meta.Dimensions.Length != rank)
                Fail(component, $"{(input ? "input" : "output")} '{name}' has rank {meta.Dimensions.Length}, expected {rank}");
            return meta;
        }

        /// <summary>A metadata dimension (−1 when symbolic) must agree with config.json when both are known.</summary>
        private int Agree(string what, int fromMetadata, int fromConfig)
        {
            if (fromMetadata > 0 && fromConfig > 0 && fromMetadata != fromConfig)
                throw new ModelLoadException(
                    $"The ONNX graphs and config.json disagree on the {what}: graph {fromMetadata}, config {fromConfig}.",
                    Path.Combine(folder.Root, "config.json"));
            return fromMetadata > 0 ? fromMetadata : fromConfig;
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        private void Fail(ModelComponent component, string problem)
        {
            string path = folder.PathOf(component);
            throw new ModelLoadException($"'onnx/{Path.GetFileName(path)}' {problem}.", path);
        }
    }
}
