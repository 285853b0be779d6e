namespace Florence2.Generation;

/// <summary>
/// The finished hypotheses of one beam-search request, keeping the best <see cref="Capacity"/> by length-normalised score
/// — a port of HF <c>BeamHypotheses</c> (transformers 4.38–4.4x) including its tie rules.
/// </summary>
public sealed class BeamHypotheses
{
    // Insertion order matters: HF evicts the lowest (score, index) and finalize picks the last of the highest scores.
    private readonly List<(double Score, int[] Tokens)> _beams;

    // Beside each kept hypothesis, in the same order: its transition log-probabilities (empty when none were given).
    private readonly List<float[]> _logProbs;

    /// <summary>Creates an empty list.</summary>
    /// <param name="capacity">Number of hypotheses kept (HF <c>num_beams</c>).</param>
    /// <param name="lengthPenalty">Exponent on the generated length that divides a hypothesis' summed log-probability.</param>
    /// <param name="earlyStopping">HF <c>early_stopping</c> (true / false; "never" is not supported).</param>
    public BeamHypotheses(int capacity, double lengthPenalty, bool earlyStopping)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        LengthPenalty = lengthPenalty;
        EarlyStopping = earlyStopping;
        _beams = new List<(double, int[])>(capacity + 1);
        _logProbs = new List<float[]>(capacity + 1);
    }

    /// <summary>Number of hypotheses kept.</summary>
    public int Capacity { get; }

    /// <summary>Exponent on the generated length.</summary>
    public double LengthPenalty { get; }

    /// <summary>HF <c>early_stopping</c>.</summary>
    public bool EarlyStopping { get; }

    /// <summary>Hypotheses currently kept.</summary>
    public int Count => _beams.Count;

    /// <summary>Lowest kept score; 1e9 while empty (HF's initial value).</summary>
    public double WorstScore { get; private set; } = 1e9;

    /// <summary>The kept hypotheses in HF list order, with their normalised scores.</summary>
    public IReadOnlyList<(double Score, int[] Tokens)> Beams => _beams;

    /// <summary>
    /// HF <c>add</c>: scores <paramref name="tokens"/> as <paramref name="sumLogProbs"/> / <paramref name="generatedLength"/>^lp and
    /// keeps it if the list is not full or it beats <see cref="WorstScore"/>; on overflow the lowest score (earliest on
    /// ties) is evicted. <paramref name="tokens"/> is stored as given (the caller hands over a private copy).
    /// </summary>
    /// <param name="tokens">The hypothesis' ids, without the EOS that finished it.</param>
    /// <param name="sumLogProbs">Its beam score: the summed processed log-probabilities.</param>
    /// <param name="generatedLength">HF <c>generated_len</c>.</param>
    /// <param name="logProbs">Its transition log-probabilities (the finishing EOS's included), kept for <see cref="BestLogProbs"/>.</param>
    public void Add(int[] tokens, double sumLogProbs, int generatedLength, float[]? logProbs = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        double score = sumLogProbs / Math.Pow(generatedLength, LengthPenalty);
        if (_beams.Count < Capacity || score > WorstScore)
        {
            _beams.Add((score, tokens));
            _logProbs.Add(logProbs ?? []);
            if (_beams.Count > Capacity)
            {
                // Python: sorted((s, idx))[0] is removed and the next one's score becomes worst_score.
                int worst = IndexOfLowest();
                _beams.RemoveAt(worst);
                _logProbs.RemoveAt(worst);
                WorstScore = _beams[IndexOfLowest()].Score;
            }
            else
            {
                WorstScore = Math.Min(score, WorstScore);
            }
        }
    }

    /// <summary>
    /// HF <c>is_done</c>. <paramref name="bestSumLogProbs"/> is the best candidate score of the step, and
    /// <paramref name="curLen"/> HF's <c>cur_len</c> in <c>process</c>: the decoder length the candidates' scores cover
    /// (history length + 1). With early stopping the list only has to be full; without it, no running beam may be able to
    /// beat the worst kept score, estimated as <c>best / (cur_len − prompt_len)^lp</c>.
    /// </summary>
    public bool IsDone(double bestSumLogProbs, int curLen, int decoderPromptLength)
    {
        if (_beams.Count < Capacity)
            return false;
        if (EarlyStopping)
            return true;
        double highestAttainable = bestSumLogProbs / Math.Pow(curLen - decoderPromptLength, LengthPenalty);
        return WorstScore >= highestAttainable;
    }

    /// <summary>
    /// The hypothesis <c>finalize</c> returns: highest score, and among equal scores the one added last (Python's stable
    /// <c>sorted</c> followed by <c>pop()</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The list is empty.</exception>
    public (double Score, int[] Tokens) Best() => _beams[IndexOfBest()];

    /// <summary>The transition log-probabilities of <see cref="Best"/>'s hypothesis, as given to <see cref="Add"/>.</summary>
    /// <exception cref="InvalidOperationException">The list is empty.</exception>
    public float[] BestLogProbs() => _logProbs[IndexOfBest()];

    private int IndexOfBest()
    {
        if (_beams.Count == 0)
            throw new InvalidOperationException("No hypotheses.");
        int best = 0;
        for (int i = 1; i < _beams.Count; i++)
            if (_beams[i].Score >= _beams[best].Score)
                best = i;
        return best;
    }

    // Lowest score, earliest index on ties (Python tuple order (score, idx)).
    private int IndexOfLowest()
    {
        int lowest = 0;
        for (int i = 1; i < _beams.Count; i++)
            if (_beams[i].Score < _beams[lowest].Score)
                lowest = i;
        return lowest;
    }
}
