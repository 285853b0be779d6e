namespace Florence2.Fixtures;

/// <summary>
/// Dimensions and seed of a Florence-2-shaped fixture model with random weights.
/// Two specs with the same <see cref="Fingerprint"/> produce byte-identical model folders.
/// </summary>
public sealed record FixtureModelSpec
{
    /// <summary>Vocabulary of the real tokenizer; the fixture keeps it so token ids mean the same thing.</summary>
    public const int FlorenceVocabSize = 51289;

    /// <summary>The real vision encoder yields 1 pooled token + a 24×24 grid for a 768² image.</summary>
    public const int FlorenceImageTokens = 577;

    /// <summary>Token emitted by a scripted decoder once its script is exhausted (= eos_token_id).</summary>
    public const int EndOfSequenceTokenId = 2;

    public required string Name { get; init; }
    public required ulong Seed { get; init; }
    public required int DModel { get; init; }
    public required int EncoderLayers { get; init; }
    public required int DecoderLayers { get; init; }
    public required int EncoderAttentionHeads { get; init; }
    public required int DecoderAttentionHeads { get; init; }
    public required int EncoderFfnDim { get; init; }
    public required int DecoderFfnDim { get; init; }
    public required int MaxPositionEmbeddings { get; init; }
    public required VisionEncoderSpec Vision { get; init; }
    public int VocabSize { get; init; } = FlorenceVocabSize;
    public int NumImageTokens { get; init; } = FlorenceImageTokens;

    /// <summary>
    /// When set, the decoder's logits are dominated by these tokens: decoder position p predicts
    /// ScriptTokenIds[p], and EOS after the script. Null for an ordinary random model.
    /// </summary>
    public IReadOnlyList<int>? ScriptTokenIds { get; init; }

    /// <summary>
    /// Weight variants written beside the fp32 graphs, by transformers.js dtype name (<c>fp16</c>, <c>q8</c>,
    /// <c>int8</c>, <c>uint8</c>, <c>q4</c>, <c>q4f16</c>, <c>bnb4</c>; see <see cref="Quantization.WeightVariants"/>).
    /// Empty: fp32 only.
    /// </summary>
    public IReadOnlyList<string> Variants { get; init; } = [];

    /// <summary>
    /// When true, the decoder reads its position table through a one-hot MatMul instead of a Gather: the same numbers,
    /// but a decoder the continuous-batching rewrite cannot handle (for tests of the fallback to cohort batching).
    /// </summary>
    public bool OpaquePositions { get; init; }

    /// <summary>
    /// When true, the decoder's position offset (2) is folded into its Range's bounds, <c>Range(past + 2, total + 2)</c>,
    /// instead of added after it — same numbers, the other shape an export may take.
    /// </summary>
    public bool FoldedPositionOffset { get; init; }

    public int EncoderHeadDim => DModel / EncoderAttentionHeads;
    public int DecoderHeadDim => DModel / DecoderAttentionHeads;

    /// <summary>Smallest model with the real interface: fast to write and to run in unit tests.</summary>
    public static FixtureModelSpec Tiny { get; } = new()
    {
        Name = "tiny",
        Seed = 20240617,
        DModel = 16,
        EncoderLayers = 1,
        DecoderLayers = 2,
        EncoderAttentionHeads = 2,
        DecoderAttentionHeads = 2,
        EncoderFfnDim = 32,
        DecoderFfnDim = 32,
        MaxPositionEmbeddings = 1024,
        Vision = VisionEncoderSpec.SinglePatchConv(channels: 16),
    };

    /// <summary>Florence-2-base dimensions (and a vision encoder of DaViT-base cost), for benchmarks.</summary>
    public static FixtureModelSpec Base { get; } = new()
    {
        Name = "base",
        Seed = 20240618,
        DModel = 768,
        EncoderLayers = 6,
        DecoderLayers = 6,
        EncoderAttentionHeads = 12,
        DecoderAttentionHeads = 12,
        EncoderFfnDim = 3072,
        DecoderFfnDim = 3072,
        MaxPositionEmbeddings = 1024,
        Vision = VisionEncoderSpec.DaVitBaseLike,
    };

    /// <summary>Tiny dimensions whose decoder greedily emits <paramref name="tokenIds"/> then EOS, whatever the input.</summary>
    public static FixtureModelSpec Scripted(IReadOnlyList<int> tokenIds)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        // A private copy: later changes to the caller's list can't alter the spec.
        var spec = Tiny with { Name = "scripted", ScriptTokenIds = tokenIds.ToArray().AsReadOnly() };
        spec.Validate();
        return spec;
    }

    /// <summary>This spec with every weight variant the hub ships written too.</summary>
    public FixtureModelSpec WithAllVariants() => this with { Variants = Quantization.WeightVariants.All };

    /// <summary>Stable content hash (hex) of every field; names the cache folder.</summary>
    public string Fingerprint => SpecFingerprint.Compute(this);

    /// <summary>Throws when the dimensions cannot form a valid model.</summary>
    public void Validate()
    {
        if (DModel <= 0) throw new ArgumentException("DModel must be positive.");
        if (DModel % EncoderAttentionHeads != 0 || DModel % DecoderAttentionHeads != 0)
            throw new ArgumentException("DModel must be a multiple of the head counts.");
        if (EncoderLayers < 1 || DecoderLayers < 1) throw new ArgumentException("Need at least one encoder and one decoder layer.");
        if (MaxPositionEmbeddings < 1) throw new ArgumentException("MaxPositionEmbeddings must be positive.");
        if (string.IsNullOrWhiteSpace(Name) || Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException("Name must be usable as a folder name.");
        Vision.Validate();
        foreach (var variant in Variants)
        {
            if (!Quantization.WeightVariants.IsKnown(variant))
                throw new ArgumentException($"Unknown weight variant '{variant}'. Known: {string.Join(", ", Quantization.WeightVariants.All)}.");
        }
        if (Variants.Select(v => Quantization.WeightVariants.FileName("", v)).Distinct().Count() != Variants.Count)
            throw new ArgumentException("Two weight variants would write the same files (fp16 and its float16-I/O form).");
        if (ScriptTokenIds is { } script)
        {
            // Decoder positions index the script table, which has one entry per position.
            if (script.Count > MaxPositionEmbeddings)
                throw new ArgumentException($"A script may hold at most {MaxPositionEmbeddings} tokens.");
            if (script.Any(id => id < 0 || id >= VocabSize))
                throw new ArgumentException($"Script token ids must lie in [0, {VocabSize}).");
        }
    }
}
