using Florence2.Generation;

namespace Florence2.Tests.Generation;

public sealed class LogitsProcessorTests
{
    private static float[] Ones(int vocabSize)
    {
        var scores = new float[vocabSize];
        Array.Fill(scores, 1f);
        return scores;
    }

    private static int[] Banned(float[] scores) =>
        Enumerable.Range(0, scores.Length).Where(t => float.IsNegativeInfinity(scores[t])).ToArray();

    [Fact]
    public void NoRepeat3Gram_BansThirdTokenOfEarlierTrigramWithSamePrefix()
    {
        // History 2 0 5 6 5 6: trigrams (2,0,5) (0,5,6) (5,6,5) (6,5,6). Last two = (5,6) → (5,6,5) bans 5 only.
        var scores = Ones(10);
        new NoRepeatNGramProcessor(3).Process([2, 0, 5, 6, 5, 6], scores);
        Assert.Equal([5], Banned(scores));
        Assert.All(scores.Where((_, t) => t != 5), s => Assert.Equal(1f, s));
    }

    [Fact]
    public void NoRepeat3Gram_CountsTheDecoderStartToken()
    {
        // The history includes the start token 2: the first trigram (2,0,5) bans 5 once (2,0) recurs.
        var scores = Ones(10);
        new NoRepeatNGramProcessor(3).Process([2, 0, 5, 2, 0], scores);
        Assert.Equal([5], Banned(scores));
    }

    [Fact]
    public void NoRepeat3Gram_OverlappingTrigrams()
    {
        // 7 7 7 7: trigrams (7,7,7) twice, overlapping; last two (7,7) → bans 7.
        var scores = Ones(10);
        new NoRepeatNGramProcessor(3).Process([2, 0, 7, 7, 7, 7], scores);
        Assert.Equal([7], Banned(scores));

        // 2 0 3 3 3: trigrams (2,0,3) (0,3,3) (3,3,3); last two (3,3) → bans 3 (from the overlapping (3,3,3)).
        scores = Ones(10);
        new NoRepeatNGramProcessor(3).Process([2, 0, 3, 3, 3], scores);
        Assert.Equal([3], Banned(scores));
    }

    [Fact]
    public void NoRepeat3Gram_LocationTokens_BansEveryContinuationSeenAfterThePrefix()
    {
        // <loc_N> ids are above 50 000. Prefix (51000, 51001) was followed by 51002 and later by 51005.
        int[] history = [2, 0, 51000, 51001, 51002, 51000, 51001, 51005, 51000, 51001];
        var scores = Ones(51289);
        new NoRepeatNGramProcessor(3).Process(history, scores);
        Assert.Equal([51002, 51005], Banned(scores));
    }

    [Fact]
    public void NoRepeat3Gram_InactiveWhenHistoryTooShort()
    {
        // cur_len = 1: cur_len + 1 = 2 < 3 → nothing to do.
        var scores = Ones(10);
        new NoRepeatNGramProcessor(3).Process([2], scores);
        Assert.Empty(Banned(scores));

        // cur_len = 2: active, but no complete trigram exists yet.
        new NoRepeatNGramProcessor(3).Process([2, 2], scores);
        Assert.Empty(Banned(scores));

        // n = 4 with cur_len = 2: 3 < 4 → inactive even though (2,2) repeats.
        new NoRepeatNGramProcessor(4).Process([2, 2], scores);
        Assert.Empty(Banned(scores));
    }

    [Fact]
    public void NoRepeatBigram_BansTokensThatFollowedTheLastToken()
    {
        // n = 2: last token 0 was followed by 5 and by 9 earlier.
        var scores = Ones(10);
        new NoRepeatNGramProcessor(2).Process([2, 0, 5, 0, 9, 0], scores);
        Assert.Equal([5, 9], Banned(scores));
    }

    [Fact]
    public void NoRepeat3Gram_MatchesHfDictionaryAlgorithmOnLongRandomHistories()
    {
        // 1024-token histories over a small alphabet of loc-like ids give many repeated prefixes.
        var random = new Random(1234);
        for (int trial = 0; trial < 20; trial++)
        {
            int[] history = [2, 0, .. Enumerable.Range(0, 1022).Select(_ => 51000 + random.Next(6))];
            var scores = Ones(51289);
            new NoRepeatNGramProcessor(3).Process(history, scores);

            // HF _get_ngrams / _get_generated_ngrams.
            var ngrams = new Dictionary<(int, int), HashSet<int>>();
            for (int i = 0; i + 3 <= history.Length; i++)
            {
                var key = (history[i], history[i + 1]);
                if (!ngrams.TryGetValue(key, out HashSet<int>? set))
                    ngrams[key] = set = [];
                set.Add(history[i + 2]);
            }
            int[] expected = ngrams.TryGetValue((history[^2], history[^1]), out HashSet<int>? banned)
                ? [.. banned.Order()]
                : [];
            Assert.Equal(expected, Banned(scores));
        }
    }

    [Fact]
    public void ForcedBos_AtLengthOne_OnlyBosSurvivesWithScoreZero()
    {
        var scores = Ones(10);
        new ForcedBosProcessor(0).Process([2], scores);
        Assert.Equal(0f, scores[0]);
        Assert.Equal(Enumerable.Range(1, 9), Banned(scores));

        var later = Ones(10);
        new ForcedBosProcessor(0).Process([2, 0], later);
        Assert.All(later, s => Assert.Equal(1f, s));
    }

    [Fact]
    public void ForcedEos_AtMaxLengthMinusOne_OnlyEosSurvivesWithScoreZero()
    {
        var processor = new ForcedEosProcessor(maxLength: 5, eosTokenId: 2);
        var early = Ones(10);
        processor.Process([2, 0, 3], early); // cur_len 3 ≠ 4
        Assert.All(early, s => Assert.Equal(1f, s));

        var scores = Ones(10);
        processor.Process([2, 0, 3, 4], scores); // cur_len 4 == max_length − 1
        Assert.Equal(0f, scores[2]);
        Assert.Equal([0, 1, 3, 4, 5, 6, 7, 8, 9], Banned(scores));
    }

    [Fact]
    public void ProcessorList_FollowsHfOrder_ForcedEosOverridesNoRepeatAndForcedBos()
    {
        var settings = new GenerationSettings();
        var list = LogitsProcessorList.Create(settings, SpecialTokenIds.Florence2, maxLength: 10);
        Assert.Collection(list.Processors,
            p => Assert.Equal(3, Assert.IsType<NoRepeatNGramProcessor>(p).NgramSize),
            p => Assert.Equal(0, Assert.IsType<ForcedBosProcessor>(p).TokenId),
            p => Assert.Equal(9, Assert.IsType<ForcedEosProcessor>(p).AtLength));

        // max_length 2: at cur_len 1 both forced processors fire; ForcedEOS runs last, so EOS wins.
        var tiny = LogitsProcessorList.Create(settings, SpecialTokenIds.Florence2, maxLength: 2);
        var scores = Ones(10);
        tiny.Process([2], scores);
        Assert.Equal(0f, scores[2]);
        Assert.Equal(9, Banned(scores).Length);
    }

    [Fact]
    public void ProcessorList_IgnoreEos_DropsForcedEosAndSuppressesEos()
    {
        var settings = new GenerationSettings { IgnoreEos = true, NoRepeatNgramSize = 0 };
        var list = LogitsProcessorList.Create(settings, SpecialTokenIds.Florence2, maxLength: 5);
        Assert.DoesNotContain(list.Processors, p => p is ForcedEosProcessor);
        Assert.DoesNotContain(list.Processors, p => p is NoRepeatNGramProcessor);

        var scores = Ones(10);
        list.Process([2, 0, 3, 4], scores); // where forced EOS would have fired
        Assert.Equal([2], Banned(scores));
    }
}
