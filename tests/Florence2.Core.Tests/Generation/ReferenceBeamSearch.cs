using Florence2.Generation;

namespace Florence2.Tests.Generation;

/// <summary>
/// A deliberately simple, slow transcription of spec §8.1 (HF <c>_beam_search</c> + <c>BeamSearchScorer</c> +
/// <c>BeamHypotheses</c>, batch 1): K rows from the very first step, a full stable sort of the K·V scores, n-gram bans from
/// a dictionary of all n-grams like HF's <c>_get_ngrams</c>. It shares no code with the production search.
/// </summary>
internal static class ReferenceBeamSearch
{
    public static (int[] Sequence, int Steps) Run(
        Func<IReadOnlyList<int>, float[]> logitsFor, int vocabSize, GenerationSettings settings, SpecialTokenIds ids, int maxLength)
    {
        int k = settings.NumBeams;
        int eos = ids.Eos;
        bool eosFinishes = !settings.IgnoreEos;
        var beams = new List<List<int>>();
        for (int b = 0; b < k; b++)
            beams.Add([ids.DecoderStart]);
        var beamScores = new float[k];
        for (int b = 1; b < k; b++)
            beamScores[b] = -1e9f;
        var hyps = new List<(double Score, int[] Tokens)>();
        double worst = 1e9;
        bool done = false;
        int steps = 0;

        void AddHypothesis(int[] tokens, double sum, int generatedLength)
        {
            double score = sum / Math.Pow(generatedLength, settings.LengthPenalty);
            if (hyps.Count < k || score > worst)
            {
                hyps.Add((score, tokens));
                if (hyps.Count > k)
                {
                    var sorted = hyps.Select((h, i) => (h.Score, Index: i)).OrderBy(x => x.Score).ThenBy(x => x.Index).ToList();
                    hyps.RemoveAt(sorted[0].Index);
                    worst = sorted[1].Score;
                }
                else
                {
                    worst = Math.Min(score, worst);
                }
            }
        }

        while (true)
        {
            int curLen = beams[0].Count;
            var all = new List<(float Score, int Flat)>();
            for (int b = 0; b < k; b++)
            {
                float[] logp = LogSoftmax(logitsFor(beams[b]));
                Process(beams[b], logp, settings, ids, maxLength);
                for (int t = 0; t < vocabSize; t++)
                    all.Add((logp[t] + beamScores[b], b * vocabSize + t));
            }
            var top = all.OrderByDescending(c => c.Score).ThenBy(c => c.Flat).Take(2 * k).ToList();

            var newBeams = new List<List<int>>();
            var newScores = new List<float>();
            for (int rank = 0; rank < top.Count; rank++)
            {
                int beam = top[rank].Flat / vocabSize;
                int token = top[rank].Flat % vocabSize;
                if (eosFinishes && token == eos)
                {
                    if (rank >= k)
                        continue;
                    AddHypothesis(beams[beam].ToArray(), top[rank].Score, curLen + 1 - 1);
                }
                else
                {
                    newBeams.Add([.. beams[beam], token]);
                    newScores.Add(top[rank].Score);
                }
                if (newBeams.Count == k)
                    break;
            }

            if (!done && hyps.Count >= k)
            {
                if (settings.EarlyStopping)
                    done = true;
                else
                    done = worst >= top[0].Score / Math.Pow(curLen + 1 - 1, settings.LengthPenalty);
            }

            beams = newBeams;
            beamScores = [.. newScores];
            steps++;
            if (done || beams[0].Count >= maxLength)
                break;
        }

        if (!done)
            for (int b = 0; b < k; b++)
                AddHypothesis(beams[b].ToArray(), beamScores[b], beams[b].Count - 1);

        // Python: sorted(..., key=score) is stable, pop() takes the last of the highest.
        int[] best = hyps.Select((h, i) => (h, i)).OrderBy(x => x.h.Score).ThenBy(x => x.i).Last().h.Tokens;
        if (best.Length < maxLength)
            best = [.. best, eos];
        return (best, steps);
    }

    /// <summary>HF greedy: processors on raw logits, first argmax, stop at EOS or max length.</summary>
    public static (int[] Sequence, int Steps) RunGreedy(
        Func<IReadOnlyList<int>, float[]> logitsFor, GenerationSettings settings, SpecialTokenIds ids, int maxLength)
    {
        var ids_ = new List<int> { ids.DecoderStart };
        while (true)
        {
            float[] scores = (float[])logitsFor(ids_).Clone();
            Process(ids_, scores, settings, ids, maxLength);
            int best = 0;
            for (int t = 1; t < scores.Length; t++)
                if (scores[t] > scores[best])
                    best = t;
            ids_.Add(best);
            if ((!settings.IgnoreEos && best == ids.Eos) || ids_.Count >= maxLength)
                return (ids_.ToArray(), ids_.Count - 1);
        }
    }

    private static float[] LogSoftmax(float[] logits)
    {
        double max = logits.Max();
        double sum = logits.Sum(x => Math.Exp(x - max));
        return logits.Select(x => (float)(x - max - Math.Log(sum))).ToArray();
    }

    private static void Process(List<int> history, float[] scores, GenerationSettings settings, SpecialTokenIds ids, int maxLength)
    {
        int n = settings.NoRepeatNgramSize;
        int curLen = history.Count;
        if (n > 0 && curLen + 1 >= n)
        {
            var ngrams = new Dictionary<string, List<int>>();
            for (int i = 0; i + n <= curLen; i++)
            {
                string key = string.Join(',', history.Skip(i).Take(n - 1));
                if (!ngrams.TryGetValue(key, out List<int>? next))
                    ngrams[key] = next = [];
                next.Add(history[i + n - 1]);
            }
            string prefix = string.Join(',', history.Skip(curLen + 1 - n));
            if (ngrams.TryGetValue(prefix, out List<int>? banned))
                foreach (int t in banned)
                    scores[t] = float.NegativeInfinity;
        }
        if (ids.ForcedBos is int bos && curLen == 1)
            Force(scores, bos);
        if (settings.IgnoreEos)
            scores[ids.Eos] = float.NegativeInfinity;
        else if (ids.ForcedEos is int forcedEos && curLen == maxLength - 1)
            Force(scores, forcedEos);
    }

    private static void Force(float[] scores, int token)
    {
        for (int t = 0; t < scores.Length; t++)
            scores[t] = t == token ? 0f : float.NegativeInfinity;
    }
}
