using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Florence2.Inference.ContinuousDecoding;

/// <summary>Opens the merged decoder rewritten for continuous batching, from memory; the user's file is only read.</summary>
internal static class ContinuousDecoderSession
{
    /// <summary>
    /// The rewritten decoder's session, or null with <paramref name="reason"/> saying why not (the caller then loads
    /// the file as it is). Never throws for a model it cannot handle: a model must not fail to load because of this.
    /// </summary>
    public static InferenceSession? TryOpen(string path, SessionOptions options, int decoderLayers, out string reason)
    {
        byte[] rewritten;
        try
        {
            ModelProto model;
            using (var file = File.OpenRead(path)) model = ModelProto.Parser.ParseFrom(file);
            if (OnnxTensorValues.UsesExternalData(model))
            {
                reason = "the decoder keeps its weights in external data files";
                return null;
            }
            Float32Boundary.Apply(model); // float16 inputs/outputs (fp16 without keep_io_types) read as float32, as below
            if (!ContinuousDecoderRewrite.TryRewrite(model, decoderLayers, out reason)) return null;
            rewritten = model.ToByteArray();
        }
        catch (Exception ex)
        {
            // Whatever fails here (an unparsable file, a graph shape the searches did not foresee), the file still
            // loads as it is; a real read error then surfaces from that load.
            reason = $"the decoder could not be rewritten ({ex.GetType().Name}: {ex.Message})";
            return null;
        }

        InferenceSession session;
        try
        {
            session = new InferenceSession(rewritten, options);
        }
        catch (OnnxRuntimeException ex)
        {
            reason = $"ONNX Runtime refused the rewritten decoder: {ex.Message}";
            return null;
        }
        if (!Declares(session, ContinuousDecoderInputs.PositionIds, TensorElementType.Int64)
            || !Declares(session, ContinuousDecoderInputs.SelfAttentionBias, TensorElementType.Float))
        {
            session.Dispose();
            reason = "ONNX Runtime does not report the rewritten decoder's new inputs as declared";
            return null;
        }
        reason = "";
        return session;
    }

    private static bool Declares(InferenceSession session, string input, TensorElementType type) =>
        session.InputMetadata.TryGetValue(input, out var meta) && meta.IsTensor && meta.ElementDataType == type && meta.Dimensions.Length == 2;
}
