using Florence2.Generation;

namespace Florence2.Tests.Generation;

/// <summary>
/// The production searches (one row at step 0, partial top-k, incremental histories) against
/// <see cref="ReferenceBeamSearch"/> (K identical rows from the start, full sort) on many pseudo-random decoders.
/// </summary>
public sealed class BeamSearchReferenceTests
{
    private sealed record Scenario(
        int Seed, int VocabSize, GenerationSettings Settings, SpecialTokenIds Ids, int MaxLength, RandomLogits Logits)
    {
        public override string ToString() =>
            $"seed {Seed}: V={VocabSize} K={Settings.NumBeams} lp={Settings.LengthPenalty} early={Settings.EarlyStopping} " +
            $"ngram={Settings.NoRepeatNgramSize} ignoreEos={Settings.IgnoreEos} max={MaxLength} " +
            $"bos={Ids.ForcedBos} eos={Ids.ForcedEos}";
    }

    private static Scenario MakeScenario(int seed, int numBeams)
    {
        var random = new Random(seed);
        int vocab = random.Next(3) == 0 ? random.Next(4, 12) : random.Next(40, 60);
        var settings = new GenerationSettings
        {
            NumBeams = numBeams,
            LengthPenalty = new[] { 0.0, 0.5, 1.0, 2.0, -0.5 }[random.Next(5)],
            EarlyStopping = random.Next(2) == 0,
            NoRepeatNgramSize = new[] { 0, 2, 3, 3 }[random.Next(4)],
            IgnoreEos = random.Next(8) == 0,
        };
        var ids = new SpecialTokenIds(
            ForcedBos: random.Next(4) == 0 ? null : 0,
            ForcedEos: random.Next(4) == 0 ? null : 2);
        int maxLength = random.Next(2, 40);
        // A positive EOS bias makes finished hypotheses common; quantised logits make exact ties common.
        var logits = new RandomLogits(seed, vocab, ids.Eos, eosBias: (float)(random.NextDouble() * 3), quantize: random.Next(2) == 0);
        return new Scenario(seed, vocab, settings, ids, maxLength, logits);
    }

    [Fact]
    public void StepZero_OneRowIn_KParentsAllZero_KRowsAfter()
    {
        var logits = new RandomLogits(seed: 1, vocabSize: 50, eos: 2, eosBias: 0f, quantize: false);
        var search = new BeamSearch(new GenerationSettings { NumBeams = 3 }, SpecialTokenIds.Florence2, maxLength: 30);
        Assert.Equal(1, search.RowCount);

        var tokens = new long[3];
        search.WriteNextInputTokens(tokens);
        Assert.Equal(2, tokens[0]);

        var parents = new int[] { -1, -1, -1 };
        int rows = search.Advance(logits.For([2]), 50, parents);

        Assert.Equal(3, rows);
        Assert.Equal(3, search.RowCount);
        Assert.Equal([0, 0, 0], parents);
        search.WriteNextInputTokens(tokens);
        Assert.Equal([0L, 0L, 0L], tokens); // forced <s> on every beam
    }

    [Fact]
    public void BeamSearch_MatchesReference_OnRandomDecoders()
    {
        int finishedEarly = 0, hitMaxLength = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            var s = MakeScenario(seed, numBeams: 2 + seed % 3);
            var (expected, expectedSteps) = ReferenceBeamSearch.Run(s.Logits.For, s.VocabSize, s.Settings, s.Ids, s.MaxLength);

            var search = new BeamSearch(s.Settings, s.Ids, s.MaxLength);
            var decoder = new FakeDecoder(s.VocabSize, s.Logits.For);
            var actual = decoder.Run(search);

            Assert.True(expected.SequenceEqual(actual), $"{s}: expected [{string.Join(',', expected)}], got [{string.Join(',', actual)}]");
            Assert.True(expectedSteps == search.Steps, $"{s}: steps {expectedSteps} vs {search.Steps}");
            Assert.Equal(1, decoder.RowsPerStep[0]);
            Assert.All(decoder.RowsPerStep.Skip(1), r => Assert.Equal(s.Settings.NumBeams, r));
            if (decoder.ParentsPerStep[0].Length > 0)
                Assert.All(decoder.ParentsPerStep[0], p => Assert.Equal(0, p));
            if (search.Steps + 1 < s.MaxLength)
                finishedEarly++;
            else
                hitMaxLength++;
        }
        // The scenarios exercise both ways of ending.
        Assert.True(finishedEarly > 30, $"only {finishedEarly} finished before max length");
        Assert.True(hitMaxLength > 30, $"only {hitMaxLength} reached max length");
    }

    [Fact]
    public void Greedy_MatchesReference_OnRandomDecoders()
    {
        for (int seed = 1000; seed < 1100; seed++)
        {
            var s = MakeScenario(seed, numBeams: 1);
            var (expected, expectedSteps) = ReferenceBeamSearch.RunGreedy(s.Logits.For, s.Settings, s.Ids, s.MaxLength);
            var search = SequenceSearch.Create(s.Settings, s.Ids, s.MaxLength);
            var actual = new FakeDecoder(s.VocabSize, s.Logits.For).Run(search);
            Assert.True(expected.SequenceEqual(actual), $"{s}: expected [{string.Join(',', expected)}], got [{string.Join(',', actual)}]");
            Assert.Equal(expectedSteps, search.Steps);
        }
    }

    [Fact]
    public void SameInputs_SameOutputs()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var s = MakeScenario(seed, numBeams: 3);
            var first = new FakeDecoder(s.VocabSize, s.Logits.For);
            var second = new FakeDecoder(s.VocabSize, s.Logits.For);
            var a = first.Run(new BeamSearch(s.Settings, s.Ids, s.MaxLength));
            var b = second.Run(new BeamSearch(s.Settings, s.Ids, s.MaxLength));
            Assert.Equal(a, b);
            Assert.Equal(first.ParentsPerStep.Count, second.ParentsPerStep.Count);
            for (int i = 0; i < first.ParentsPerStep.Count; i++)
                Assert.Equal(first.ParentsPerStep[i], second.ParentsPerStep[i]);
        }
    }
}
