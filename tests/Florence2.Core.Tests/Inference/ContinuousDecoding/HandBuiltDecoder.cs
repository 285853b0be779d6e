using Florence2.Inference.ContinuousDecoding;
using Florence2.Tests.Fixtures;
using Onnx;

namespace Florence2.Tests.Inference.ContinuousDecoding;

/// <summary>How the scores reach the Softmax: SDPA-style [B, H, n, S], or BART eager attention's [B·H, n, S].</summary>
public enum ScoreLayout { Rank4, Rank3 }

/// <summary>How the with-past branch computes the position table's indices.</summary>
public enum PositionChain
{
    /// <summary>BART's export: Range(past, past + n) → Unsqueeze → Expand to [B, n] → Add(2, an initializer) → Gather.</summary>
    Bart,

    /// <summary>The +2 split in two: Add(Constant node 1, Range) before the Unsqueeze, Add(…, 1) after the Expand, a Cast between.</summary>
    SplitOffset,

    /// <summary>No position table at all.</summary>
    NoTable,

    /// <summary>The table is indexed by the past length itself, not a Range.</summary>
    NotFromRange,

    /// <summary>The +2 folded into the Range's bounds: Range(past + 2, past + n + 2) → Unsqueeze → Expand → Gather.</summary>
    FoldedIntoRange,

    /// <summary>Range(n + 2, …): a start shifted by a constant from a value that is not the past length.</summary>
    ShiftedFromNotThePast,
}

/// <summary>
/// A minimal merged decoder built proto by proto: an If on use_cache_branch whose then-branch is a with-past decoder
/// (learned positions, per layer a decomposed self-attention over past + new keys and a cross-attention over the
/// encoder cache), and whose else-branch just returns the embeddings. Small enough to run and to reason about.
/// </summary>
public sealed record HandBuiltDecoder
{
    public const int Heads = 2;
    public const int HeadDim = 2;
    public const int DModel = Heads * HeadDim;
    public const int MaxPositions = 16;

    public int Layers { get; init; } = 2;
    public ScoreLayout Layout { get; init; } = ScoreLayout.Rank4;
    public PositionChain Positions { get; init; } = PositionChain.Bart;

    /// <summary>Layer 0's self-attention is a com.microsoft MultiHeadAttention node (not runnable here; for refusal tests).</summary>
    public bool FusedSelfAttention { get; init; }

    public long Opset { get; init; } = 17;

    public ModelProto Build()
    {
        var main = new Graph(new GraphProto { Name = "main" });
        main.Input("inputs_embeds", TensorProto.Types.DataType.Float, "batch_size", "decoder_sequence_length", DModel);
        main.Input("use_cache_branch", TensorProto.Types.DataType.Bool, 1);
        for (var layer = 0; layer < Layers; layer++)
            foreach (var name in CacheInputs(layer))
                main.Input(name, TensorProto.Types.DataType.Float, "batch_size", Heads, name.Contains("decoder") ? "past" : "encoder", HeadDim);

        main.Weight("embed_positions.weight", MaxPositions + 2, DModel);
        for (var layer = 0; layer < Layers; layer++)
            foreach (var part in new[] { "q", "k", "v" })
                main.Weight($"layers.{layer}.{part}_proj.weight", DModel, DModel);

        var withPast = new Graph(new GraphProto { Name = "with_past" });
        withPast.Proto.Output.Add(Graph.ValueInfo("with_past/logits", TensorProto.Types.DataType.Float));
        withPast.Node("Identity", [WithPastDecoder(withPast)], "with_past/logits");

        var noPast = new Graph(new GraphProto { Name = "no_past" });
        noPast.Proto.Output.Add(Graph.ValueInfo("no_past/logits", TensorProto.Types.DataType.Float));
        noPast.Node("Identity", ["inputs_embeds"], "no_past/logits");

        var ifNode = main.Node("If", ["use_cache_branch"], "logits");
        main.LastNode.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = withPast.Proto });
        main.LastNode.Attribute.Add(new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = noPast.Proto });
        main.Proto.Output.Add(Graph.ValueInfo(ifNode, TensorProto.Types.DataType.Float, "batch_size", "decoder_sequence_length", DModel));

        var model = new ModelProto { IrVersion = 8, ProducerName = "HandBuiltDecoder", Graph = main.Proto };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (FusedSelfAttention) model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        return model;
    }

    public static IEnumerable<string> CacheInputs(int layer)
    {
        yield return $"past_key_values.{layer}.decoder.key";
        yield return $"past_key_values.{layer}.decoder.value";
        yield return $"past_key_values.{layer}.encoder.key";
        yield return $"past_key_values.{layer}.encoder.value";
    }

    private string WithPastDecoder(Graph g)
    {
        var embeds = "inputs_embeds";
        var pastLength = g.Node("Gather", [g.Node("Shape", ["past_key_values.0.decoder.key"]), g.Int64Scalar(2)]);
        var newLength = g.Node("Gather", [g.Node("Shape", [embeds]), g.Int64Scalar(1)]);
        var hidden = Positions == PositionChain.NoTable
            ? embeds
            : g.Node("Add", [embeds, g.Node("Gather", ["embed_positions.weight", PositionIndices(g, embeds, pastLength, newLength)])]);

        for (var layer = 0; layer < Layers; layer++)
        {
            var query = g.SplitHeads(g.Node("MatMul", [hidden, $"layers.{layer}.q_proj.weight"]));
            var newKey = g.SplitHeads(g.Node("MatMul", [hidden, $"layers.{layer}.k_proj.weight"]));
            var newValue = g.SplitHeads(g.Node("MatMul", [hidden, $"layers.{layer}.v_proj.weight"]));
            var key = g.Node("Concat", [$"past_key_values.{layer}.decoder.key", newKey], Axis(2));
            var value = g.Node("Concat", [$"past_key_values.{layer}.decoder.value", newValue], Axis(2));
            var self = FusedSelfAttention && layer == 0
                ? g.FusedAttention(hidden, key, value)
                : g.MergeHeads(Attend(g, query, key, value));
            hidden = g.Node("Add", [hidden, self]);

            var cross = Attend(g, query, $"past_key_values.{layer}.encoder.key", $"past_key_values.{layer}.encoder.value");
            hidden = g.Node("Add", [hidden, g.MergeHeads(cross)]);
        }
        return hidden;
    }

    private string PositionIndices(Graph g, string embeds, string pastLength, string newLength)
    {
        var batch = g.Node("Unsqueeze", [g.Node("Gather", [g.Node("Shape", [embeds]), g.Int64Scalar(0)]), g.Int64s(0)]);
        var batchShape = g.Node("Concat", [batch, g.Int64s(1)], Axis(0));
        string PerRow(string positions) => g.Node("Expand", [g.Node("Unsqueeze", [positions, g.Int64s(0)]), batchShape]);

        var range = g.Node("Range", [pastLength, g.Node("Add", [pastLength, newLength]), g.Int64Scalar(1)]);
        return Positions switch
        {
            PositionChain.Bart => g.Node("Add", [PerRow(range), g.Int64Scalar(2)]),
            PositionChain.SplitOffset => g.Node("Add", [
                g.Node("Cast", [PerRow(g.Node("Add", [g.ConstantNodeScalar(1), range]))], new AttributeProto
                {
                    Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Int64,
                }),
                g.Int64Scalar(1)]),
            PositionChain.NotFromRange => g.Node("Add", [PerRow(g.Node("Unsqueeze", [pastLength, g.Int64s(0)])), g.Int64Scalar(2)]),
            PositionChain.FoldedIntoRange => PerRow(g.Node("Range", [g.Node("Add", [pastLength, g.Int64Scalar(2)]),
                g.Node("Add", [g.Node("Add", [pastLength, newLength]), g.Int64Scalar(2)]), g.Int64Scalar(1)])),
            PositionChain.ShiftedFromNotThePast => PerRow(g.Node("Range", [g.Node("Add", [newLength, g.Int64Scalar(2)]),
                g.Node("Add", [g.Node("Add", [newLength, newLength]), g.Int64Scalar(2)]), g.Int64Scalar(1)])),
            _ => throw new ArgumentOutOfRangeException(nameof(Positions)),
        };
    }

    /// <summary>softmax(q·kᵀ/√hd)·v over [B, H, ·, hd] tensors, through scores of the configured rank.</summary>
    private string Attend(Graph g, string query, string key, string value)
    {
        if (Layout == ScoreLayout.Rank4)
        {
            var scores = g.Node("Mul", [g.Node("MatMul", [query, g.Transpose(key, 0, 1, 3, 2)]), g.FloatScalar(1f / MathF.Sqrt(HeadDim))]);
            return g.Node("MatMul", [g.Node("Softmax", [scores], Axis(-1)), value]);
        }
        // BART eager: view(bsz·heads, len, hd), bmm, softmax, bmm, view back.
        var scores3 = g.Node("Mul", [g.Node("MatMul", [g.FoldHeads(query), g.Transpose(g.FoldHeads(key), 0, 2, 1)]), g.FloatScalar(1f / MathF.Sqrt(HeadDim))]);
        var context = g.Node("MatMul", [g.Node("Softmax", [scores3], Axis(-1)), g.FoldHeads(value)]);
        return g.Node("Reshape", [context, g.Node("Shape", [query])]);
    }

    private static AttributeProto Axis(long axis) => new() { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = axis };

    /// <summary>Appends nodes to one graph; value names carry the graph's name, so they are unique across the model.</summary>
    private sealed class Graph(GraphProto proto)
    {
        private readonly Random _weights = new(7);

        public GraphProto Proto { get; } = proto;
        public NodeProto LastNode => Proto.Node[^1];

        public void Input(string name, TensorProto.Types.DataType type, params object[] dims) => Proto.Input.Add(ValueInfo(name, type, dims));

        public void Weight(string name, int rows, int columns)
        {
            var values = Enumerable.Range(0, rows * columns).Select(_ => (float)(_weights.NextDouble() - 0.5)).ToArray();
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.Dims.AddRange([rows, columns]);
            tensor.FloatData.AddRange(values);
            Proto.Initializer.Add(tensor);
        }

        public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
            Node(opType, inputs, $"{Proto.Name}/{opType}_{Proto.Node.Count}", attributes);

        public string Node(string opType, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = opType, Name = output + "/node" };
            node.Input.AddRange(inputs);
            node.Output.Add(output);
            node.Attribute.AddRange(attributes);
            Proto.Node.Add(node);
            return output;
        }

        public string Int64Scalar(long value) => Constant(Int64Tensor(value, scalar: true));

        public string Int64s(params long[] values) => Constant(Int64Tensor(values, scalar: false));

        public string FloatScalar(float value)
        {
            var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
            tensor.FloatData.Add(value);
            return Constant(tensor);
        }

        /// <summary>A Constant node (not an initializer) holding an int64 scalar.</summary>
        public string ConstantNodeScalar(long value) =>
            Node("Constant", [], new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = Int64Tensor(value, scalar: true) });

        public string Transpose(string x, params long[] perm)
        {
            var attribute = new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints };
            attribute.Ints.AddRange(perm);
            return Node("Transpose", [x], attribute);
        }

        /// <summary>[B, n, D] → [B, H, n, hd].</summary>
        public string SplitHeads(string x) => Transpose(Node("Reshape", [x, Int64s(0, 0, Heads, HeadDim)]), 0, 2, 1, 3);

        /// <summary>[B, H, n, hd] → [B, n, D].</summary>
        public string MergeHeads(string x) => Node("Reshape", [Transpose(x, 0, 2, 1, 3), Int64s(0, 0, DModel)]);

        /// <summary>[B, H, m, hd] → [B·H, m, hd].</summary>
        public string FoldHeads(string x)
        {
            var trailing = Node("Slice", [Node("Shape", [x]), Int64s(2), Int64s(4)]);
            return Node("Reshape", [x, Node("Concat", [Int64s(-1), trailing], Axis(0))]);
        }

        public string FusedAttention(string hidden, string key, string value)
        {
            var output = Node("MultiHeadAttention", [hidden, MergeHeads(key), MergeHeads(value)],
                new AttributeProto { Name = "num_heads", Type = AttributeProto.Types.AttributeType.Int, I = Heads });
            LastNode.Domain = "com.microsoft";
            return output;
        }

        public static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, params object[] dims)
        {
            var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type };
            if (dims.Length > 0)
            {
                tensorType.Shape = new TensorShapeProto();
                foreach (var dim in dims)
                {
                    tensorType.Shape.Dim.Add(dim is string symbol
                        ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                        : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
                }
            }
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
        }

        private string Constant(TensorProto tensor)
        {
            tensor.Name = $"{Proto.Name}/const_{Proto.Initializer.Count}_{Proto.Node.Count}";
            Proto.Initializer.Add(tensor);
            return tensor.Name;
        }

        private static TensorProto Int64Tensor(long value, bool scalar) => Int64Tensor([value], scalar);

        private static TensorProto Int64Tensor(long[] values, bool scalar)
        {
            var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
            if (!scalar) tensor.Dims.Add(values.Length);
            tensor.Int64Data.AddRange(values);
            return tensor;
        }
    }
}

/// <summary>One with-past step of a <see cref="HandBuiltDecoder"/>: the new token's embedding and the caches, per row.</summary>
public sealed record HandBuiltStep(IReadOnlyList<FloatTensor> Embeds, IReadOnlyList<IReadOnlyDictionary<string, FloatTensor>> Pasts)
{
    public int Rows => Embeds.Count;

    /// <summary>Random rows with self-attention caches of the given lengths and encoder caches of 3 entries.</summary>
    public static HandBuiltStep Random(int seed, int layers, params int[] pastLengths)
    {
        var random = new Random(seed);
        var embeds = pastLengths.Select(_ => FloatTensor.Random(random, 1, 1, HandBuiltDecoder.DModel)).ToList();
        var pasts = pastLengths.Select(length => (IReadOnlyDictionary<string, FloatTensor>)Enumerable.Range(0, layers)
            .SelectMany(HandBuiltDecoder.CacheInputs)
            .ToDictionary(name => name, name => FloatTensor.Random(random, 1, HandBuiltDecoder.Heads, name.Contains("decoder") ? length : 3, HandBuiltDecoder.HeadDim)))
            .ToList();
        return new HandBuiltStep(embeds, pasts);
    }

    /// <summary>Row <paramref name="row"/> alone, its self-attention history starting at entry <paramref name="from"/>.</summary>
    public HandBuiltStep Row(int row, int from = 0) =>
        new([Embeds[row]], [Pasts[row].ToDictionary(p => p.Key, p => p.Key.Contains("decoder") ? PastAxis.Drop(p.Value, from) : p.Value)]);

    /// <summary>
    /// Runs the with-past branch on all rows (their caches must have one length) and returns the logits [rows·D].
    /// With <paramref name="positionIds"/> and <paramref name="bias"/> (rows × (P + 1), row-major) the decoder is a rewritten one.
    /// </summary>
    public float[] Run(OrtModel decoder, long[]? positionIds = null, float[]? bias = null)
    {
        using var inputs = new OrtInputs()
            .Float("inputs_embeds", FloatTensor.Stack([.. Embeds]))
            .Bool("use_cache_branch", true);
        foreach (var name in Pasts[0].Keys) inputs.Float(name, FloatTensor.Stack([.. Pasts.Select(p => p[name])]));
        if (positionIds is not null) inputs.Int64(ContinuousDecoderInputs.PositionIds, positionIds, Rows, 1);
        if (bias is not null) inputs.Float(ContinuousDecoderInputs.SelfAttentionBias, new FloatTensor(bias, [Rows, bias.Length / Rows]));
        return decoder.Run(inputs)["logits"].Data;
    }
}
