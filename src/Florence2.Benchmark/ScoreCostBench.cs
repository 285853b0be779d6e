using System.Diagnostics;
using Florence2.Generation;
using Florence2.Inference;
using Florence2.Tasks;

namespace Florence2.Benchmark;

/// <summary>
/// What confidence scores (issue 12) cost, next to a decoder step of the same run.
/// </summary>
/// <param name="Tokens">Generated tokens per request the per-request work is spread over.</param>
/// <param name="Vocabulary">Row length of the greedy log-probability.</param>
/// <param name="GreedyUsPerStep">Greedy: the chosen token's log-probability (one SIMD pass over the row).</param>
/// <param name="BeamUsPerStep">Beam (K = 3): the whole history reorder, ids and log-probabilities (an upper bound: the ids were copied before).</param>
/// <param name="PerRequestUs">Each token's text (decode_with_spans) plus the scoring parse, once per request.</param>
/// <param name="DecoderMsPerStepGreedy">The engine phase's decoder ms/step, batch 1, greedy, at <paramref name="Tokens"/>.</param>
/// <param name="DecoderMsPerStepBeam">The same with 3 beams.</param>
internal sealed record ScoreCostResult(int Tokens, int Vocabulary, double GreedyUsPerStep, double BeamUsPerStep, double PerRequestUs,
    double? DecoderMsPerStepGreedy, double? DecoderMsPerStepBeam)
{
    /// <summary>Per-step plus per-request work spread over the steps, as a share of a greedy decoder step.</summary>
    public double? GreedyPct => Percent(GreedyUsPerStep, DecoderMsPerStepGreedy);

    /// <summary>The same for beam search.</summary>
    public double? BeamPct => Percent(BeamUsPerStep, DecoderMsPerStepBeam);

    private double? Percent(double stepUs, double? decoderMs) =>
        decoderMs is { } ms && ms > 0 ? (stepUs + PerRequestUs / Tokens) / (ms * 1000) * 100 : null;
}

internal static class ScoreCostBench
{
    private const int Beams = 3;

    public static ScoreCostResult Measure(Florence2Engine engine, int tokens, IReadOnlyList<EngineRow> engineRows)
    {
        int vocabulary = engine.Dimensions.VocabSize;
        var random = new Random(12);
        float[] row = Enumerable.Range(0, vocabulary).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
        float max = row.Max();
        double greedy = MedianMicroseconds(2000, () => LogSoftmax.LogProbOfMaximum(row, max));

        // One reorder at half the budget (the mean length over a request), on fresh histories each time so the length stays put.
        int[] parents = [2, 0, 1];
        int[] ids = [50300, 50400, 50500];
        float[] logProbs = [-0.1f, -0.2f, -0.3f];
        var samples = new double[500];
        for (int s = 0; s < samples.Length; s++)
        {
            var histories = new BeamHistories(Beams, 2, tokens);
            for (int i = 0; i < tokens / 2; i++) histories.Advance([0, 1, 2], ids, logProbs);
            long started = Stopwatch.GetTimestamp();
            histories.Advance(parents, ids, logProbs);
            samples[s] = Microseconds(started);
        }
        Array.Sort(samples);
        double beam = samples[samples.Length / 2];

        double perRequest = PerRequestMicroseconds(engine, tokens);
        double? Decoder(int beams) => engineRows
            .Where(r => r.Batch == 1 && r.Beams == beams)
            .OrderByDescending(r => r.Tokens).FirstOrDefault()?.DecoderMsPerStep;
        return new ScoreCostResult(tokens, vocabulary, greedy, beam, perRequest, Decoder(1), Decoder(Beams));
    }

    /// <summary>An OD-shaped output of <paramref name="tokens"/> tokens: token texts, then the scored parse minus the plain one.</summary>
    private static double PerRequestMicroseconds(Florence2Engine engine, int tokens)
    {
        var tokenizer = engine.Tokenizer;
        var idList = new List<int> { 2, tokenizer.Specials.Bos };
        int[] label = tokenizer.EncodeRaw("a green car");
        int first = tokenizer.Specials.FirstLocationId;
        for (int i = 0; idList.Count < tokens; i++)
        {
            idList.AddRange(label);
            for (int k = 0; k < 4; k++) idList.Add(first + (i * 37 + k * 211) % 1000);
        }
        idList.Add(tokenizer.Specials.Eos);
        string text = tokenizer.Decode(idList);
        double withScores = MedianMicroseconds(200, () =>
        {
            var generated = idList.Skip(1).Select(id => new GeneratedToken(id, tokenizer.DecodeToken(id), -0.1f)).ToArray();
            Florence2PostProcessor.Parse(TaskCatalog.ObjectDetection, text, 640, 480, tokens: generated);
        });
        double plain = MedianMicroseconds(200, () => Florence2PostProcessor.Parse(TaskCatalog.ObjectDetection, text, 640, 480));
        return Math.Max(0, withScores - plain);
    }

    // Raw timestamps: a TimeSpan counts 100 ns ticks, coarser than a beam reorder.
    private static double Microseconds(long started) => (Stopwatch.GetTimestamp() - started) * 1e6 / Stopwatch.Frequency;

    private static double MedianMicroseconds(int repeats, Action work)
    {
        for (int i = 0; i < repeats / 10 + 1; i++) work(); // JIT and caches
        var samples = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long started = Stopwatch.GetTimestamp();
            work();
            samples[i] = Microseconds(started);
        }
        Array.Sort(samples);
        return samples[repeats / 2];
    }
}
