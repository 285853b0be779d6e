using Florence2.Generation;

namespace Florence2.Tests.Generation;

public sealed class SequenceSearchTests
{
    [Fact]
    public void Create_PicksGreedyForOneBeam_BeamSearchOtherwise()
    {
        var greedy = SequenceSearch.Create(new GenerationSettings { NumBeams = 1 }, SpecialTokenIds.Florence2, 1025);
        var beam = SequenceSearch.Create(new GenerationSettings(), SpecialTokenIds.Florence2, 1025);
        Assert.IsType<GreedySearch>(greedy);
        Assert.Equal(3, Assert.IsType<BeamSearch>(beam).BeamCount);
        Assert.Equal(1, greedy.RowCount);
        Assert.Equal(1, beam.RowCount);
        Assert.Equal(0, beam.Steps);
        Assert.False(beam.IsDone);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(-1, 10)]
    [InlineData(1, 1)]
    [InlineData(3, 0)]
    public void Create_RejectsBadArguments(int numBeams, int maxLength)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            SequenceSearch.Create(new GenerationSettings { NumBeams = numBeams }, SpecialTokenIds.Florence2, maxLength));
    }

    [Fact]
    public void Advance_RejectsLogitsOfTheWrongShape()
    {
        var search = SequenceSearch.Create(new GenerationSettings(), SpecialTokenIds.Florence2, 10);
        Assert.Throws<ArgumentException>(() => search.Advance(new float[7], 10, new int[3]));
        Assert.Throws<ArgumentException>(() => search.Advance(new float[10], 10, new int[2])); // K parents needed
    }

    [Fact]
    public void MaxLengthTwo_BeamSearch_ForcedEosWins_ResultIsStartAndEos()
    {
        // At cur_len 1 both forced BOS and forced EOS apply; forced EOS runs last, so every beam finishes at once.
        var search = SequenceSearch.Create(new GenerationSettings(), SpecialTokenIds.Florence2, 2);
        var result = new FakeDecoder(10, _ => new float[10]).Run(search);
        Assert.Equal([2, 2], result);
        Assert.Equal(1, search.Steps);
    }
}
