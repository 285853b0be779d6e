using Onnx;

namespace Florence2.Inference.ContinuousDecoding;

/// <summary>
/// Finds each decoder layer's self-attention Softmax in the with-past branch by data flow (spec §17): the first Softmax
/// reached forward from <c>past_key_values.{i}.decoder.key</c> (→ Concat with the new key → Reshape/Transpose → MatMul
/// with the query → scale → masks → Softmax).
/// </summary>
internal static class SelfAttentionSoftmaxes
{
    /// <summary>
    /// Ops whose output carries only the input's shape: following them would reach every layer through the past length
    /// (BART computes positions and the causal mask from <c>past_key_values.0.decoder.key</c>'s shape).
    /// </summary>
    private static readonly HashSet<string> ShapeOnly = ["Shape", "Size"];

    /// <summary>One Softmax per layer, in layer order.</summary>
    /// <exception cref="RewriteRefusedException">A layer's walk finds no Softmax or several, one found is also a cross-attention's, or two layers share one.</exception>
    public static IReadOnlyList<NodeProto> Find(WithPastBranch branch, int decoderLayers)
    {
        var names = new DecoderTensorNames(decoderLayers);
        var crossAttention = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        for (var layer = 0; layer < decoderLayers; layer++)
            crossAttention.UnionWith(ReachedSoftmaxes(branch, names.PastEncoder[2 * layer]));

        var found = new List<NodeProto>();
        for (var layer = 0; layer < decoderLayers; layer++)
        {
            string pastKey = names.PastDecoder[2 * layer];
            if (branch.Aliases(pastKey).All(name => branch.ReadersOf(name).Count == 0))
                throw new RewriteRefusedException($"the with-past branch does not read '{pastKey}'");
            var reached = ReachedSoftmaxes(branch, pastKey);
            if (reached.Count != 1)
                throw new RewriteRefusedException($"{reached.Count} Softmax nodes are reached from '{pastKey}' in the with-past branch, expected its self-attention's one");
            if (crossAttention.Contains(reached[0]))
                throw new RewriteRefusedException($"the Softmax '{reached[0].Name}' reached from '{pastKey}' is also reached from a cross-attention key");
            found.Add(reached[0]);
        }
        if (found.Distinct(ReferenceEqualityComparer.Instance).Count() != decoderLayers)
            throw new RewriteRefusedException($"the {decoderLayers} decoder layers' past keys do not reach {decoderLayers} distinct self-attention Softmax nodes");
        return found;
    }

    /// <summary>Softmax nodes reached forward from the input <paramref name="start"/>, stopping at each (and skipping shape reads).</summary>
    private static List<NodeProto> ReachedSoftmaxes(WithPastBranch branch, string start)
    {
        var softmaxes = new List<NodeProto>();
        var seen = new HashSet<string>(branch.Aliases(start), StringComparer.Ordinal);
        var pending = new Queue<string>(seen);
        var visitedNodes = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        while (pending.TryDequeue(out var value))
        {
            foreach (var reader in branch.ReadersOf(value))
            {
                if (ShapeOnly.Contains(reader.OpType) || !visitedNodes.Add(reader)) continue;
                if (reader.OpType == "Softmax")
                {
                    softmaxes.Add(reader);
                    continue;
                }
                foreach (var output in reader.Output.Where(o => o.Length > 0 && seen.Add(o))) pending.Enqueue(output);
            }
        }
        return softmaxes;
    }
}
