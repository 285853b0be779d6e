using Onnx;

namespace Florence2.Inference.ContinuousDecoding;

/// <summary>
/// Rewrites the onnx-community merged decoder in memory so rows of one batch may have different history lengths
/// (continuous batching, issue 14; spec §17): its with-past branch gets per-row positions for the learned
/// position-table lookup and an additive bias on every self-attention's scores (<see cref="ContinuousDecoderInputs"/>).
/// The no-past branch is left alone.
/// </summary>
internal static class ContinuousDecoderRewrite
{
    /// <summary>Unsqueeze takes its axes as an input (as the added nodes give them) from opset 13.</summary>
    private const long MinimumOpset = 13;

    /// <summary>CastLike exists from opset 15; earlier graphs compute in float32 anyway.</summary>
    private const long CastLikeOpset = 15;

    /// <summary>
    /// Mutates <paramref name="model"/> in place. On false the model may be partly changed (discard it) and
    /// <paramref name="reason"/> is one sentence naming what was not found; on true it is empty.
    /// </summary>
    public static bool TryRewrite(ModelProto model, int decoderLayers, out string reason)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            Rewrite(model, decoderLayers);
            reason = "";
            return true;
        }
        catch (RewriteRefusedException refused)
        {
            reason = refused.Message;
            return false;
        }
    }

    private static void Rewrite(ModelProto model, int decoderLayers)
    {
        if (model.Graph is null) throw new RewriteRefusedException("the decoder file has no graph");
        long opset = DefaultOpset(model);
        if (opset < MinimumOpset)
            throw new RewriteRefusedException($"the decoder uses ai.onnx opset {opset}; the rewrite needs {MinimumOpset} or later");
        var declared = model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string input in new[] { ContinuousDecoderInputs.PositionIds, ContinuousDecoderInputs.SelfAttentionBias }.Where(declared.Contains))
            throw new RewriteRefusedException($"the decoder already declares an input '{input}'");
        RequireLayerCount(declared, decoderLayers);

        // Find everything first, so a refusal leaves the model untouched in the common cases.
        var branch = WithPastBranch.Find(model);
        RejectFusedAttention(branch.Graph);
        var positions = PositionIndex.Find(branch);
        var softmaxes = SelfAttentionSoftmaxes.Find(branch, decoderLayers);

        var editor = new BranchEditor(branch.Graph, OnnxGraphs.Names(model));
        RewirePositions(editor, positions);
        BiasSelfAttention(editor, softmaxes, new DecoderTensorNames(decoderLayers).PastDecoder[0], opset >= CastLikeOpset);
        editor.Commit();
        DeclareInputs(model.Graph);
    }

    /// <summary>Every read of T becomes <c>position_ids + offset</c> [B, n], in T's element type.</summary>
    private static void RewirePositions(BranchEditor editor, PositionIndex positions)
    {
        string indices = positions.Offset == 0
            ? ContinuousDecoderInputs.PositionIds
            : editor.Prologue("Add", [ContinuousDecoderInputs.PositionIds, editor.Int64s(scalar: true, positions.Offset)]);
        if (positions.CastTo is int type) indices = editor.Prologue("Cast", [indices], BranchEditor.IntAttribute("to", type));
        editor.ReplaceReads(positions.Indices, indices);
    }

    /// <summary>
    /// Adds the bias, viewed to broadcast over heads and queries, to each Softmax's input. The view is built at run
    /// time because the scores' layout differs between exports: [B, H, n, S] (SDPA, newer transformers) or
    /// [B·H, n, S] (BART's eager attention, whose view(bsz·heads) is row-major B then H, as Reshape is).
    /// </summary>
    private static void BiasSelfAttention(BranchEditor editor, IReadOnlyList<NodeProto> softmaxes, string pastKey, bool castLike)
    {
        string perRow = editor.Prologue("Unsqueeze", [ContinuousDecoderInputs.SelfAttentionBias, editor.Int64s(false, 1, 2)]); // [B, 1, 1, S]
        string pastKeyShape = editor.Prologue("Shape", [pastKey]);                                                           // [B, H, P, hd]
        string heads = editor.Prologue("Gather", [pastKeyShape, editor.Int64s(false, 1)], BranchEditor.IntAttribute("axis", 0));
        string headShape = editor.Prologue("Concat", [editor.Int64s(false, 1), heads, editor.Int64s(false, 1, 1)], BranchEditor.IntAttribute("axis", 0));
        string perHead = editor.Prologue("Expand", [perRow, headShape]);                                                     // [B, H, 1, S]
        string one = editor.Int64s(false, 1), zero = editor.Int64s(false, 0), lastTwo = editor.Int64s(false, -2);
        string last = editor.Int64s(false, -1), end = editor.Int64s(false, long.MaxValue);

        foreach (var softmax in softmaxes)
        {
            string scores = softmax.Input[0];
            // Scores' shape with the query axis set to 1: [B, H, 1, S] or [B·H, 1, S].
            string scoreShape = editor.Before(softmax, "Shape", [scores]);
            string leading = editor.Before(softmax, "Slice", [scoreShape, zero, lastTwo]);
            string keys = editor.Before(softmax, "Slice", [scoreShape, last, end]);
            string viewShape = editor.Before(softmax, "Concat", [leading, one, keys], BranchEditor.IntAttribute("axis", 0));
            string view = editor.Before(softmax, "Reshape", [perHead, viewShape]);
            // fp16 exports compute scores in float16 behind float32 inputs (keep_io_types).
            if (castLike) view = editor.Before(softmax, "CastLike", [view, scores]);
            softmax.Input[0] = editor.Before(softmax, "Add", [scores, view]);
        }
    }

    private static void DeclareInputs(GraphProto main)
    {
        main.Input.Add(Input(ContinuousDecoderInputs.PositionIds, TensorProto.Types.DataType.Int64, "batch_size", "decoder_sequence_length"));
        main.Input.Add(Input(ContinuousDecoderInputs.SelfAttentionBias, TensorProto.Types.DataType.Float,
            "batch_size", "past_decoder_sequence_length + decoder_sequence_length"));
    }

    private static ValueInfoProto Input(string name, TensorProto.Types.DataType type, params string[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (string dim in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = dim });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    /// <summary>Biasing only some layers would leave the gap visible to the rest.</summary>
    private static void RequireLayerCount(HashSet<string> declared, int decoderLayers)
    {
        if (decoderLayers < 1) throw new RewriteRefusedException($"a decoder needs at least one layer, not {decoderLayers}");
        var names = new DecoderTensorNames(decoderLayers + 1);
        for (int layer = 0; layer < decoderLayers; layer++)
            if (!declared.Contains(names.PastDecoder[2 * layer]))
                throw new RewriteRefusedException($"the decoder has no input '{names.PastDecoder[2 * layer]}' for its {decoderLayers} layers");
        if (declared.Contains(names.PastDecoder[2 * decoderLayers]))
            throw new RewriteRefusedException($"the decoder has cache inputs for more than the expected {decoderLayers} layers");
    }

    /// <summary>A fused attention op hides its scores; there is no Softmax input to bias.</summary>
    private static void RejectFusedAttention(GraphProto branch)
    {
        var fused = OnnxGraphs.All(branch).SelectMany(g => g.Node).FirstOrDefault(n => n.OpType.Contains("Attention", StringComparison.Ordinal));
        if (fused is not null)
        {
            string op = string.IsNullOrEmpty(fused.Domain) ? fused.OpType : $"{fused.Domain}.{fused.OpType}";
            throw new RewriteRefusedException($"the with-past branch uses the fused attention op {op} ('{fused.Name}'), whose scores cannot be biased");
        }
    }

    private static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 0;
}
