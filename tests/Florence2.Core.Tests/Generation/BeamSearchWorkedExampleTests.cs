using Florence2.Generation;

namespace Florence2.Tests.Generation;

/// <summary>
/// Hand-computed beam searches. Each row's logits are ln p, so its log-softmax is ln p. Step 0 is forced to &lt;s&gt;
/// (id 0), so every example starts from beams [2,0] with scores [0, −1e9, …]. Beam-1 candidates at −1e9 never reach
/// the top ranks below. Scores in comments are rounded to 4 decimals.
/// </summary>
public sealed class BeamSearchWorkedExampleTests
{
    private const int V = 10;
    private const int Eos = 2;
    private static readonly SpecialTokenIds Ids = new(ForcedBos: 0, ForcedEos: null);

    private static GenerationSettings Beam(int k, double lengthPenalty = 1.0, bool earlyStopping = true) =>
        new() { NumBeams = k, LengthPenalty = lengthPenalty, EarlyStopping = earlyStopping, NoRepeatNgramSize = 0 };

    private static void AssertHypothesis(BeamHypotheses hyps, int[] tokens, double expectedScore)
    {
        var match = Assert.Single(hyps.Beams, b => b.Tokens.SequenceEqual(tokens));
        Assert.Equal(expectedScore, match.Score, 4);
    }

    [Fact]
    public void EosBelowRankK_BecomesHypothesis_EosAtRankK_IsSkipped()
    {
        // K = 2, lp = 1, early stopping.
        // Step 1 [2,0] {3 .6, 4 .4}: beams [2,0,3] ln.6 = −0.5108, [2,0,4] ln.4 = −0.9163.
        // Step 2 candidates:
        //   r0 [2,0,3]+EOS  −0.5108 + ln.55 (−0.5978) = −1.1086 → hypothesis [2,0,3], generated_len = 3 (<s>, 3, EOS):
        //      −1.1086 / 3 = −0.3695
        //   r1 [2,0,3]+5    −0.5108 + ln.45 (−0.7985) = −1.3093 → beam
        //   r2 [2,0,4]+EOS  −0.9163 + ln.5  (−0.6931) = −1.6094 → rank 2 ≥ K: skipped. Had it been added, the list
        //      would hold K = 2 hypotheses and early stopping would end the search here.
        //   r3 [2,0,4]+6    −0.9163 + ln.3  (−1.2040) = −2.1203 → beam
        // Step 3 candidates:
        //   r0 [2,0,3,5]+EOS −1.3093 + ln.9 (−0.1054) = −1.4147 → hypothesis, generated_len 4: −0.3537 → 2 hypotheses, done
        //   r1 [2,0,4,6]+9  −2.1203; r2 [2,0,3,5]+8 −1.3093 + ln.1 = −3.6119
        // Best: [2,0,3,5] (−0.3537 > −0.3695) + EOS.
        var script = new ScriptedLogits(V)
            .When([2, 0], (3, .6), (4, .4))
            .When([2, 0, 3], (Eos, .55), (5, .45))
            .When([2, 0, 4], (Eos, .5), (6, .3), (7, .2))
            .When([2, 0, 3, 5], (Eos, .9), (8, .1))
            .When([2, 0, 4, 6], (9, 1.0));
        var search = new BeamSearch(Beam(2), Ids, maxLength: 20);

        var result = new FakeDecoder(V, script.For).Run(search);

        Assert.Equal([2, 0, 3, 5, 2], result);
        Assert.Equal(4, search.Steps);
        Assert.Equal(2, search.Hypotheses.Count);
        AssertHypothesis(search.Hypotheses, [2, 0, 3], (Math.Log(.6) + Math.Log(.55)) / 3);
        AssertHypothesis(search.Hypotheses, [2, 0, 3, 5], (Math.Log(.6) + Math.Log(.45) + Math.Log(.9)) / 4);
        Assert.DoesNotContain(search.Hypotheses.Beams, b => b.Tokens.SequenceEqual(new[] { 2, 0, 4 }));
    }

    /// <summary>
    /// K = 3. Three finished hypotheses: A = [2,0] (sum −1.0, generated_len 2), B = [2,0,3] (−1.4, 3),
    /// C = [2,0,3,5] (−2.0, 4).
    /// Step 1 [2,0] {3 .5, EOS e^−1, 4 .1, 6 rest}: r0 3 −0.6931, r1 EOS −1.0 → A, r2 4 −2.3026, r3 6 −3.4384.
    /// Step 2: [2,0,3]+5 −1.3728 (r0), [2,0,3]+EOS −1.4 → B (r1), [2,0,4]+7 −2.3026, [2,0,6]+8 −3.4384.
    /// Step 3: [2,0,3,5]+EOS −2.0 → C (r0); 3 hypotheses → done (early stopping), 4 steps.
    /// lp 0: A −1.0, B −1.4, C −2.0 → A.  lp 1: A −0.5, B −0.4667, C −0.5 → B.  lp 2: A −0.25, B −0.1556, C −0.125 → C.
    /// </summary>
    [Theory]
    [InlineData(0.0, new[] { 2, 0, 2 })]
    [InlineData(1.0, new[] { 2, 0, 3, 2 })]
    [InlineData(2.0, new[] { 2, 0, 3, 5, 2 })]
    public void LengthPenalty_ChangesTheWinnerBetweenShortAndLong(double lengthPenalty, int[] expected)
    {
        double pEos1 = Math.Exp(-1.0);
        double pEos2 = Math.Exp(-1.4) / 0.5;                 // ln .5 + ln pEos2 = −1.4
        double pEos3 = Math.Exp(-2.0) / (0.5 * (1 - pEos2)); // ln .5 + ln(1 − pEos2) + ln pEos3 = −2.0
        var script = new ScriptedLogits(V)
            .When([2, 0], (3, .5), (Eos, pEos1), (4, .1), (6, .4 - pEos1))
            .When([2, 0, 3], (Eos, pEos2), (5, 1 - pEos2))
            .When([2, 0, 4], (7, 1.0))
            .When([2, 0, 6], (8, 1.0))
            .When([2, 0, 3, 5], (Eos, pEos3), (9, 1 - pEos3))
            .When([2, 0, 4, 7], (9, 1.0))
            .When([2, 0, 6, 8], (9, 1.0));
        var search = new BeamSearch(Beam(3, lengthPenalty), Ids, maxLength: 20);

        var result = new FakeDecoder(V, script.For).Run(search);

        Assert.Equal(expected, result);
        Assert.Equal(4, search.Steps);
        Assert.Equal(3, search.Hypotheses.Count);
        AssertHypothesis(search.Hypotheses, [2, 0], -1.0 / Math.Pow(2, lengthPenalty));
        AssertHypothesis(search.Hypotheses, [2, 0, 3], -1.4 / Math.Pow(3, lengthPenalty));
        AssertHypothesis(search.Hypotheses, [2, 0, 3, 5], -2.0 / Math.Pow(4, lengthPenalty));
    }

    /// <summary>
    /// K = 2, lp 1.
    /// Step 1 [2,0] {3 .45, EOS .4, 4 .15}: r0 3 −0.7985, r1 EOS −0.9163 → A = [2,0]: −0.4581, r2 4 −1.8971.
    /// Step 2: r0 [2,0,3]+5 −0.7985 + ln.7 = −1.1552; r1 [2,0,3]+EOS −0.7985 + ln.3 = −2.0025 → B = [2,0,3]: −0.6675;
    ///   r2 [2,0,4]+EOS −2.4079 skipped (rank 2); r3 [2,0,4]+6 −2.8134.
    ///   Two hypotheses. early_stopping = true → done: best A → [2,0,2] after 3 steps.
    ///   early_stopping = false → best attainable −1.1552 / (4 − 1) = −0.3851 > worst −0.6675 → go on.
    /// Step 3: r0 [2,0,3,5]+EOS −1.1552 + ln.9 = −1.2606 → C = [2,0,3,5]: −0.3152 evicts B, worst → A's −0.4581;
    ///   r1 [2,0,4,6]+8 −2.8134; r2 [2,0,3,5]+7 −3.4578. Best attainable −1.2606 / 4 = −0.3152 > −0.4581 → go on.
    /// Step 4 (unscripted rows: uniform, ln .1 = −2.3026): best candidate −2.8134 − 2.3026 = −5.1160;
    ///   −5.1160 / 5 = −1.0232 ≤ −0.4581 → done: best C → [2,0,3,5,2] after 5 steps (max length 20 not reached).
    /// </summary>
    [Theory]
    [InlineData(true, new[] { 2, 0, 2 }, 3)]
    [InlineData(false, new[] { 2, 0, 3, 5, 2 }, 5)]
    public void EarlyStopping_TrueStopsAtKHypotheses_FalseWaitsForHopelessBeams(bool earlyStopping, int[] expected, int steps)
    {
        var script = new ScriptedLogits(V)
            .When([2, 0], (3, .45), (Eos, .4), (4, .15))
            .When([2, 0, 3], (Eos, .3), (5, .7))
            .When([2, 0, 4], (Eos, .6), (6, .4))
            .When([2, 0, 3, 5], (Eos, .9), (7, .1))
            .When([2, 0, 4, 6], (8, 1.0));
        var search = new BeamSearch(Beam(2, earlyStopping: earlyStopping), Ids, maxLength: 20);

        var result = new FakeDecoder(V, script.For).Run(search);

        Assert.Equal(expected, result);
        Assert.Equal(steps, search.Steps);
        AssertHypothesis(search.Hypotheses, [2, 0], Math.Log(.4) / 2);
        if (earlyStopping)
        {
            AssertHypothesis(search.Hypotheses, [2, 0, 3], (Math.Log(.45) + Math.Log(.3)) / 3);
        }
        else
        {
            // B was evicted by the better C; the worst score moved up to A's.
            AssertHypothesis(search.Hypotheses, [2, 0, 3, 5], (Math.Log(.45) + Math.Log(.7) + Math.Log(.9)) / 4);
            Assert.Equal(2, search.Hypotheses.Count);
            Assert.Equal(Math.Log(.4) / 2, search.Hypotheses.WorstScore, 5);
        }
    }

    [Fact]
    public void MaxLengthReached_FinalizeScoresRunningBeams_AndAppendsNoEos()
    {
        // K = 2, max_length 4, no EOS anywhere, no forced EOS.
        // Step 1 [2,0] {3 .6, 4 .4}: [2,0,3] −0.5108, [2,0,4] −0.9163.
        // Step 2: [2,0,4]+7 −0.9163 + ln.9 = −1.0217 (r0); [2,0,3]+5 and [2,0,3]+6 tie at −0.5108 + ln.5 = −1.2040:
        //   the lower flat index (token 5) is r1. Length 4 = max_length → finalize adds both running beams with
        //   generated_len 4 − 1 = 3: [2,0,4,7] −0.3406 beats [2,0,3,5] −0.4013. Full length → no EOS appended.
        var script = new ScriptedLogits(V)
            .When([2, 0], (3, .6), (4, .4))
            .When([2, 0, 3], (5, .5), (6, .5))
            .When([2, 0, 4], (7, .9), (8, .1));
        var search = new BeamSearch(Beam(2), Ids, maxLength: 4);

        var result = new FakeDecoder(V, script.For).Run(search);

        Assert.Equal([2, 0, 4, 7], result);
        Assert.Equal(3, search.Steps);
        AssertHypothesis(search.Hypotheses, [2, 0, 4, 7], (Math.Log(.4) + Math.Log(.9)) / 3);
        AssertHypothesis(search.Hypotheses, [2, 0, 3, 5], (Math.Log(.6) + Math.Log(.5)) / 3);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ForcedEos_AtMaxLengthMinusOne_EveryBeamFinishes_ResultEndsWithEos(bool earlyStopping)
    {
        // Same first step as above, max_length 4 with forced EOS: at length 3 only EOS is allowed.
        // [2,0,3]+EOS −0.5108 (r0) → −0.5108 / 3 = −0.1703; [2,0,4]+EOS −0.9163 (r1) → −0.3054.
        // The remaining beams are −∞ and cannot enter the list at finalize. Best: [2,0,3] + EOS.
        var script = new ScriptedLogits(V)
            .When([2, 0], (3, .6), (4, .4))
            .When([2, 0, 3], (5, .5), (6, .5))
            .When([2, 0, 4], (7, .9), (8, .1));
        var search = new BeamSearch(Beam(2, earlyStopping: earlyStopping), new SpecialTokenIds(ForcedBos: 0, ForcedEos: 2), maxLength: 4);

        var result = new FakeDecoder(V, script.For).Run(search);

        Assert.Equal([2, 0, 3, 2], result);
        AssertHypothesis(search.Hypotheses, [2, 0, 3], Math.Log(.6) / 3);
        AssertHypothesis(search.Hypotheses, [2, 0, 4], Math.Log(.4) / 3);
    }

    [Fact]
    public void IgnoreEos_RunsToMaxLength_WithoutEos()
    {
        // EOS is by far the most likely token everywhere; with IgnoreEos no beam may take it or finish.
        var random = new RandomLogits(seed: 5, vocabSize: 50, eos: Eos, eosBias: 20f, quantize: false);
        var settings = new GenerationSettings { NumBeams = 3, IgnoreEos = true };
        var search = new BeamSearch(settings, SpecialTokenIds.Florence2, maxLength: 12);

        var result = new FakeDecoder(50, random.For).Run(search);

        Assert.Equal(11, search.Steps);
        Assert.Equal(12, result.Count);
        Assert.DoesNotContain(Eos, result.Skip(1));
    }
}
