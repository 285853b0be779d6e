using Florence2.Generation;

namespace Florence2.Tests.Generation;

/// <summary>
/// Transition log-probabilities (spec §16.1) on fake decoders with known distributions: greedy renormalises over what the
/// processors left; beam search reports each token's processed log-probability along the winner's own ancestry.
/// </summary>
public sealed class TransitionScoreTests
{
    private const int V = 10;
    private const int Eos = 2;
    private const double Tolerance = 1e-6;
    private static readonly SpecialTokenIds Ids = new(ForcedBos: 0, ForcedEos: null);

    private static float[] Logits(params (int Token, float Value)[] values)
    {
        var logits = new float[V];
        foreach ((int t, float x) in values)
            logits[t] = x;
        return logits;
    }

    /// <summary>ln softmax(logits)[token], in double.</summary>
    private static double LogSoftmaxAt(float[] logits, int token, ISet<int>? removed = null)
    {
        double sum = 0;
        for (int t = 0; t < logits.Length; t++)
            if (removed?.Contains(t) != true)
                sum += Math.Exp(logits[t]);
        return logits[token] - Math.Log(sum);
    }

    [Fact]
    public void Greedy_reports_the_log_softmax_of_each_chosen_token_and_0_for_the_forced_bos()
    {
        float[] second = Logits((5, 3f), (7, 1f));
        float[] third = Logits((2, 4f), (6, 1f));
        var script = new ScriptedLogits(V)
            .WhenLogits([2], Logits((7, 9f)))     // forced <s>: every other id −∞, so log p(<s>) = 0
            .WhenLogits([2, 0], second)
            .WhenLogits([2, 0, 5], third);
        var search = new GreedySearch(new GenerationSettings { NumBeams = 1, NoRepeatNgramSize = 0 }, Ids, maxLength: 20);

        Assert.Equal([2, 0, 5, 2], new FakeDecoder(V, script.For).Run(search));

        double[] expected = [0, LogSoftmaxAt(second, 5), LogSoftmaxAt(third, Eos)];
        Assert.Equal(expected.Length, search.TokenLogProbs.Count);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], search.TokenLogProbs[i], Tolerance);
        Assert.Equal(expected.Average(), search.SequenceScore, Tolerance);
    }

    [Fact]
    public void Greedy_renormalises_over_the_tokens_an_ngram_block_left()
    {
        // Always 4 (5.0) over 5 (4.0) over zeros. History [2,0,4,4,4]: the trigram (4,4,4) is seen, so 4 is banned and
        // 5 is chosen; its log-probability is taken over the nine ids left, not the ten (HF normalize_logits=True).
        float[] row = Logits((4, 5f), (5, 4f));
        var search = new GreedySearch(new GenerationSettings { NumBeams = 1, NoRepeatNgramSize = 3 }, SpecialTokenIds.Florence2, maxLength: 7);

        var result = new FakeDecoder(V, _ => row).Run(search);

        Assert.Equal([2, 0, 4, 4, 4, 5, 2], result); // length 6 = max − 1: forced EOS
        Assert.Equal(0, search.TokenLogProbs[0], Tolerance);
        Assert.Equal(LogSoftmaxAt(row, 4), search.TokenLogProbs[1], Tolerance);
        Assert.Equal(LogSoftmaxAt(row, 5, new HashSet<int> { 4 }), search.TokenLogProbs[4], Tolerance);
        Assert.Equal(0, search.TokenLogProbs[5], Tolerance); // forced EOS
    }

    /// <summary>
    /// K = 2. Step 1 [2,0] {3 .6, 4 .4}: beam 0 = [2,0,3], beam 1 = [2,0,4].
    /// Step 2: [2,0,4]+7 = ln .4 + ln .95 = −0.9676 (r0), [2,0,3]+8 = ln .6 + ln .4 = −1.4271 (r1): the new beam 0 descends
    /// from old beam 1 and the new beam 1 from old beam 0 — the beams swap.
    /// Step 3: [2,0,4,7]+EOS = −0.9676 + ln .9 = −1.0730 (r0) → hypothesis (−0.2683 over 4 tokens);
    /// [2,0,3,8]+EOS = −1.4271 + ln .5 = −2.1203 (r1) → hypothesis (−0.5301); 2 hypotheses: done.
    /// A search that kept each slot's scores without following the swap would report ln .6 for the winner's second token.
    /// </summary>
    [Fact]
    public void Beam_follows_the_winners_ancestry_when_it_changes_beam_index()
    {
        var script = new ScriptedLogits(V)
            .When([2, 0], (3, .6), (4, .4))
            .When([2, 0, 3], (5, .2), (6, .2), (8, .4), (9, .2))
            .When([2, 0, 4], (7, .95), (1, .05))
            .When([2, 0, 4, 7], (Eos, .9), (9, .1))
            .When([2, 0, 3, 8], (Eos, .5), (9, .4), (1, .1));
        var search = new BeamSearch(new GenerationSettings { NumBeams = 2, LengthPenalty = 1.0, EarlyStopping = true, NoRepeatNgramSize = 0 },
            Ids, maxLength: 20);
        var decoder = new FakeDecoder(V, script.For);

        Assert.Equal([2, 0, 4, 7, 2], decoder.Run(search));

        Assert.Equal([1, 0], decoder.ParentsPerStep[2]); // step 2 swapped the beams
        double[] expected = [0, Math.Log(.4), Math.Log(.95), Math.Log(.9)];
        Assert.Equal(expected.Length, search.TokenLogProbs.Count);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], search.TokenLogProbs[i], Tolerance);
        Assert.Equal(expected.Sum() / 4, search.SequenceScore, Tolerance);
    }

    /// <summary>HF's own identity: sequences_scores = Σ transition scores / generated_len^length_penalty.</summary>
    [Theory]
    [InlineData(2, 1.0, true)]
    [InlineData(3, 1.0, false)]
    [InlineData(3, 2.0, true)]
    [InlineData(4, 0.5, false)]
    [InlineData(3, 0.0, true)]
    public void Beam_sum_of_log_probs_over_length_to_the_penalty_is_the_sequence_score(int beams, double lengthPenalty, bool earlyStopping)
    {
        for (int seed = 0; seed < 40; seed++)
        {
            var logits = new RandomLogits(seed, vocabSize: 16, eos: Eos, eosBias: 1.5f, quantize: seed % 4 == 0);
            var settings = new GenerationSettings { NumBeams = beams, LengthPenalty = lengthPenalty, EarlyStopping = earlyStopping, NoRepeatNgramSize = 3 };
            var search = new BeamSearch(settings, SpecialTokenIds.Florence2, maxLength: 14);

            var result = new FakeDecoder(16, logits.For).Run(search);

            var logProbs = search.TokenLogProbs;
            Assert.Equal(result.Count - 1, logProbs.Count);
            Assert.All(logProbs, lp => Assert.True(lp <= 0 && float.IsFinite(lp), $"seed {seed}: log-prob {lp}"));
            double expected = logProbs.Sum(lp => (double)lp) / Math.Pow(logProbs.Count, lengthPenalty);
            Assert.True(Math.Abs(expected - search.SequenceScore) <= 1e-5,
                $"seed {seed}: Σ/len^lp = {expected}, sequence score {search.SequenceScore}");
        }
    }

    [Fact]
    public void Log_prob_of_the_maximum_equals_the_full_log_softmax_there()
    {
        var random = new Random(5);
        var row = Enumerable.Range(0, 51289).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
        int argMax = Array.IndexOf(row, row.Max());
        var full = new float[row.Length];
        LogSoftmax.Compute(row, full);

        Assert.Equal(full[argMax], LogSoftmax.LogProbOfMaximum(row, row[argMax]));
        Assert.Equal(float.NegativeInfinity, LogSoftmax.LogProbOfMaximum([float.NegativeInfinity, float.NegativeInfinity], float.NegativeInfinity));
    }
}
