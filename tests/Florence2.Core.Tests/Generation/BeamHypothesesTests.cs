using Florence2.Generation;

namespace Florence2.Tests.Generation;

public sealed class BeamHypothesesTests
{
    [Fact]
    public void KeepsBestK_EvictsWorst_AndTracksWorstScore()
    {
        var hyps = new BeamHypotheses(capacity: 2, lengthPenalty: 1.0, earlyStopping: true);
        Assert.Equal(1e9, hyps.WorstScore); // HF's initial value

        hyps.Add([1], -2.0, 2);              // −2.0 / 2 = −1.0
        Assert.Equal(-1.0, hyps.WorstScore);
        hyps.Add([2], -1.0, 2);              // −0.5; worst stays −1.0
        Assert.Equal(-1.0, hyps.WorstScore);

        hyps.Add([3], -3.0, 2);              // −1.5 is not better than −1.0 → rejected
        Assert.Equal(2, hyps.Count);
        Assert.DoesNotContain(hyps.Beams, b => b.Tokens[0] == 3);

        hyps.Add([4], -1.6, 2);              // −0.8 > −1.0 → kept; [1] (−1.0) evicted; worst = −0.8
        Assert.Equal([2, 4], hyps.Beams.Select(b => b.Tokens[0]));
        Assert.Equal(-0.8, hyps.WorstScore, 12);
    }

    [Fact]
    public void EvictionTie_RemovesEarliest_BestTie_PicksLatest()
    {
        var hyps = new BeamHypotheses(capacity: 2, lengthPenalty: 1.0, earlyStopping: true);
        hyps.Add([1], -1.0, 1);
        hyps.Add([2], -1.0, 1);
        hyps.Add([3], -0.5, 1); // Python sorted((s, idx)) removes idx 0 among the two −1.0
        Assert.Equal([2, 3], hyps.Beams.Select(b => b.Tokens[0]));

        var ties = new BeamHypotheses(capacity: 3, lengthPenalty: 1.0, earlyStopping: true);
        ties.Add([1], -1.0, 1);
        ties.Add([2], -1.0, 1);
        ties.Add([3], -2.0, 1);
        Assert.Equal(2, ties.Best().Tokens[0]); // stable sort + pop(): the later of equal best scores
    }

    [Fact]
    public void LengthPenalty_DividesByGeneratedLengthToThePower()
    {
        var hyps = new BeamHypotheses(capacity: 3, lengthPenalty: 2.0, earlyStopping: true);
        hyps.Add([1], -1.8, 3); // −1.8 / 9
        Assert.Equal(-0.2, hyps.Beams[0].Score, 12);
    }

    [Fact]
    public void IsDone_EarlyStoppingNeedsOnlyAFullList()
    {
        var hyps = new BeamHypotheses(capacity: 2, lengthPenalty: 1.0, earlyStopping: true);
        hyps.Add([1], -10.0, 2);
        Assert.False(hyps.IsDone(0.0, 5, 1)); // one of two
        hyps.Add([2], -10.0, 2);
        Assert.True(hyps.IsDone(0.0, 5, 1));
    }

    [Fact]
    public void IsDone_WithoutEarlyStopping_ComparesWorstWithBestAttainable()
    {
        var hyps = new BeamHypotheses(capacity: 2, lengthPenalty: 1.0, earlyStopping: false);
        hyps.Add([1], -2.0, 2); // −1.0
        hyps.Add([2], -1.0, 2); // −0.5; worst −1.0
        // highest attainable = best / (cur_len − prompt_len)^lp
        Assert.False(hyps.IsDone(-3.0, 5, 1)); // −3 / 4 = −0.75 > −1.0 → a running beam could still win
        Assert.True(hyps.IsDone(-4.0, 5, 1));  // −4 / 4 = −1.0 ≤ −1.0 → done (≥ is inclusive)
        Assert.True(hyps.IsDone(-6.0, 5, 1));
    }
}
