using Florence2.Generation;

namespace Florence2.Tests.Generation;

public sealed class TopCandidatesTests
{
    [Fact]
    public void MatchesFullStableSort_WithManyTies()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            int rows = random.Next(1, 5), vocab = random.Next(2, 40), k = random.Next(1, 9);
            var row = new float[vocab];
            var top = new TopCandidates(k);
            var all = new List<(float Score, int Index)>();
            for (int r = 0; r < rows; r++)
            {
                for (int t = 0; t < vocab; t++)
                    row[t] = random.Next(4) == 0 ? float.NegativeInfinity : random.Next(-3, 3); // many ties
                float addend = random.Next(-2, 1);
                top.OfferRow(row, addend, r * vocab);
                for (int t = 0; t < vocab; t++)
                    all.Add((row[t] + addend, r * vocab + t));
            }
            var expected = all.OrderByDescending(c => c.Score).ThenBy(c => c.Index).Take(k).ToArray();
            Assert.Equal(expected.Length, top.Count);
            for (int rank = 0; rank < top.Count; rank++)
            {
                Assert.Equal(expected[rank].Index, top.Index(rank));
                Assert.Equal(expected[rank].Score, top.Score(rank));
            }
        }
    }
}
