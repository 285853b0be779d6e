using Florence2.Generation;

namespace Florence2.Tests.Generation;

public sealed class GreedySearchTests
{
    private const int V = 10;
    private static readonly SpecialTokenIds Ids = new(ForcedBos: 0, ForcedEos: null);

    private static GenerationSettings Greedy(int ngram = 0, bool ignoreEos = false) =>
        new() { NumBeams = 1, NoRepeatNgramSize = ngram, IgnoreEos = ignoreEos };

    private static float[] Logits(params (int Token, float Value)[] values)
    {
        var logits = new float[V];
        foreach ((int t, float x) in values)
            logits[t] = x;
        return logits;
    }

    [Fact]
    public void ForcedBos_ThenArgmaxTieGoesToLowestId_ThenStopsAtEos()
    {
        var script = new ScriptedLogits(V)
            .WhenLogits([2], Logits((7, 9f)))                 // forced BOS overrides the 7
            .WhenLogits([2, 0], Logits((5, 3f), (7, 3f)))     // tie 5 / 7 → 5
            .WhenLogits([2, 0, 5], Logits((2, 4f), (6, 1f))); // EOS
        var search = new GreedySearch(Greedy(), Ids, maxLength: 20);
        var decoder = new FakeDecoder(V, script.For);

        Assert.Equal([2, 0, 5, 2], decoder.Run(search));
        Assert.Equal(3, search.Steps);
        Assert.All(decoder.RowsPerStep, rows => Assert.Equal(1, rows));
    }

    [Fact]
    public void StopsAtMaxLength_WithoutForcedEos()
    {
        var search = new GreedySearch(Greedy(), Ids, maxLength: 5);
        var result = new FakeDecoder(V, _ => Logits((4, 2f))).Run(search);
        Assert.Equal([2, 0, 4, 4, 4], result);
        Assert.Equal(4, search.Steps);
    }

    [Fact]
    public void ForcedEos_AtMaxLengthMinusOne_EndsWithEos()
    {
        var search = new GreedySearch(Greedy(), new SpecialTokenIds(ForcedBos: 0, ForcedEos: 2), maxLength: 5);
        var result = new FakeDecoder(V, _ => Logits((4, 2f))).Run(search);
        Assert.Equal([2, 0, 4, 4, 2], result);
    }

    [Fact]
    public void NoRepeatTrigram_SteersGreedyToNextBest()
    {
        // Logits always prefer 4 (5.0), then 5 (4.0), all others 0.
        // [2,0] → 4; [2,0,4] → 4; [2,0,4,4] → 4 (no earlier (4,4,·));
        // [2,0,4,4,4]: (4,4,4) seen → 4 banned → 5; [..,4,5] → 4; [..,5,4] → 4;
        // [2,0,4,4,4,5,4,4]: (4,4,4) and (4,4,5) seen → 4, 5 banned → first of the zeros is id 0;
        // length 9 = max_length − 1 → forced EOS.
        var search = new GreedySearch(Greedy(ngram: 3), SpecialTokenIds.Florence2, maxLength: 10);
        var result = new FakeDecoder(V, _ => Logits((4, 5f), (5, 4f))).Run(search);
        Assert.Equal([2, 0, 4, 4, 4, 5, 4, 4, 0, 2], result);
    }

    [Fact]
    public void IgnoreEos_RunsExactlyMaxLengthMinusOneSteps()
    {
        var search = new GreedySearch(Greedy(ignoreEos: true), SpecialTokenIds.Florence2, maxLength: 8);
        var result = new FakeDecoder(V, _ => Logits((2, 50f), (6, 1f))).Run(search);
        Assert.Equal(7, search.Steps);
        Assert.Equal(8, result.Count);
        Assert.DoesNotContain(2, result.Skip(1));
    }

    [Fact]
    public void Result_BeforeDone_Throws_AndAdvance_AfterDone_Throws()
    {
        var search = new GreedySearch(Greedy(), Ids, maxLength: 2);
        Assert.Throws<InvalidOperationException>(() => search.Result);
        new FakeDecoder(V, _ => new float[V]).Run(search);
        Assert.Equal([2, 0], search.Result);
        Assert.Throws<InvalidOperationException>(() => search.Advance(new float[V], V, new int[1]));
    }
}
