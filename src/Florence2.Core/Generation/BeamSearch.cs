namespace Florence2.Generation;

/// <summary>
/// Hugging Face beam search (transformers 4.38–4.4x <c>_beam_search</c> + <c>BeamSearchScorer</c>, batch size 1) for one
/// request with K = <see cref="GenerationSettings.NumBeams"/> beams; spec §8.1.
/// </summary>
/// <remarks>
/// <para>Per step: log-softmax of each row, the logits processors on the log-probabilities with the row's own history,
/// plus the beam's score, top 2K of the K·V scores; EOS candidates ranked below K become finished hypotheses scored
/// <c>score / generated_len^lp</c>, the other candidates fill the K new beams. The request ends when the hypotheses say so
/// (<see cref="BeamHypotheses.IsDone"/>) or the length reaches the maximum, then <c>finalize</c> picks the result.</para>
/// <para>Step-0 convention: the engine runs the first step with a single row (all K beams would be identical there) and
/// tiles the cache by the returned parents. That row is scored as K identical rows with beam scores [0, −1e9, …], exactly
/// as HF does with K copies of the start token, and the K returned parents are all 0.</para>
/// </remarks>
public sealed class BeamSearch : ISequenceSearch
{
    /// <summary>HF's <c>decoder_prompt_len</c>: the decoder prompt is the start token alone.</summary>
    private const int DecoderPromptLength = 1;

    /// <summary>Initial score of beams 1…K−1: finite so that −1e9 + log p stays comparable (HF uses −1e9, not −∞).</summary>
    private const float InactiveBeamScore = -1e9f;

    private readonly int _beamCount;
    private readonly int _maxLength;
    private readonly int _eos;
    private readonly bool _ignoreEos;
    private readonly ILogitsProcessor _processors;
    private readonly BeamHypotheses _hypotheses;
    private readonly BeamHistories _histories;
    private readonly TopCandidates _candidates;
    private readonly float[] _beamScores;
    private readonly float[] _nextScores;
    private readonly int[] _nextBeams;
    private readonly int[] _nextTokens;
    private readonly float[] _nextLogProbs;
    private float[] _row = [];
    private bool _hypothesesDone;
    private int[]? _result;
    private float[] _resultLogProbs = [];

    /// <summary>Creates a search whose K beams all start at <see cref="SpecialTokenIds.DecoderStart"/>.</summary>
    /// <param name="settings">Decoding settings; <see cref="GenerationSettings.NumBeams"/> is K.</param>
    /// <param name="ids">Special token ids.</param>
    /// <param name="maxLength">Total decoder length including the start token (≥ 2).</param>
    public BeamSearch(GenerationSettings settings, SpecialTokenIds ids, int maxLength)
    {
        SearchArguments.Validate(settings, ids, maxLength);
        _beamCount = settings.NumBeams;
        _maxLength = maxLength;
        _eos = ids.Eos;
        _ignoreEos = settings.IgnoreEos;
        _processors = LogitsProcessorList.Create(settings, ids, maxLength);
        _hypotheses = new BeamHypotheses(_beamCount, settings.LengthPenalty, settings.EarlyStopping);
        _histories = new BeamHistories(_beamCount, ids.DecoderStart, Math.Min(maxLength, 1024));
        _candidates = new TopCandidates(2 * _beamCount);
        _beamScores = new float[_beamCount];
        _beamScores.AsSpan(1).Fill(InactiveBeamScore);
        _nextScores = new float[_beamCount];
        _nextBeams = new int[_beamCount];
        _nextTokens = new int[_beamCount];
        _nextLogProbs = new float[_beamCount];
        RowCount = 1;
    }

    /// <summary>Number of beams (K).</summary>
    public int BeamCount => _beamCount;

    /// <summary>The finished hypotheses so far (for diagnostics and tests).</summary>
    public BeamHypotheses Hypotheses => _hypotheses;

    /// <inheritdoc />
    public int RowCount { get; private set; }

    /// <inheritdoc />
    public bool IsDone => _result is not null;

    /// <inheritdoc />
    public int Steps => _histories.Length - 1;

    /// <inheritdoc />
    public IReadOnlyList<int> Result => _result ?? throw new InvalidOperationException("The search is not done yet.");

    /// <inheritdoc />
    /// <remarks>
    /// The processed log-probability (log-softmax, then the logits processors) each token of the returned hypothesis had
    /// at the step that chose it, on the beam it was chosen from — HF <c>compute_transition_scores(sequences, scores,
    /// beam_indices)</c>. Their sum divided by the generated length to the length penalty is <see cref="SequenceScore"/>.
    /// </remarks>
    public IReadOnlyList<float> TokenLogProbs => IsDone ? _resultLogProbs : throw new InvalidOperationException("The search is not done yet.");

    /// <inheritdoc />
    /// <remarks>HF <c>sequences_scores</c>: the returned hypothesis' score, summed log-probabilities / generated_len^lp (§16.4).</remarks>
    public double SequenceScore { get; private set; }

    /// <inheritdoc />
    public void WriteNextInputTokens(Span<long> destination)
    {
        for (int row = 0; row < RowCount; row++)
            destination[row] = _histories[row][^1];
    }

    /// <inheritdoc />
    public int Advance(ReadOnlySpan<float> logits, int vocabSize, Span<int> parents)
    {
        if (IsDone)
            throw new InvalidOperationException("The search is already done.");
        int rows = RowCount;
        SearchArguments.ValidateStep(logits, rows, vocabSize, parents, _beamCount);
        if ((long)_beamCount * vocabSize > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(vocabSize), "K × vocabulary must fit in an int.");
        if (_row.Length != vocabSize)
            _row = new float[vocabSize];

        int curLen = _histories.Length;
        SelectCandidates(logits, rows, vocabSize);
        FillBeams(vocabSize, curLen);

        // HF: done |= is_done(next_scores.max(), cur_len = input length + 1, decoder_prompt_len).
        _hypothesesDone = _hypothesesDone
            || _hypotheses.IsDone(_candidates.Score(0), curLen + 1, DecoderPromptLength);

        _histories.Advance(_nextBeams, _nextTokens, _nextLogProbs);
        _nextScores.CopyTo(_beamScores, 0);

        if (_hypothesesDone || _histories.Length >= _maxLength)
        {
            Finish();
            RowCount = 0;
            return 0;
        }

        for (int i = 0; i < _beamCount; i++)
            parents[i] = rows == 1 ? 0 : _nextBeams[i]; // step 0: every beam continues the single row
        RowCount = _beamCount;
        return _beamCount;
    }

    /// <summary>Top 2K of (processed log-prob + beam score) over all beams and tokens, flat index = beam·V + token.</summary>
    private void SelectCandidates(ReadOnlySpan<float> logits, int rows, int vocabSize)
    {
        _candidates.Clear();
        for (int beam = 0; beam < _beamCount; beam++)
        {
            // With a single row (step 0) every beam's history is the start token alone, so the processed row of
            // beam 0 is every beam's row; only the beam score differs.
            if (beam < rows)
            {
                LogSoftmax.Compute(logits.Slice(beam * vocabSize, vocabSize), _row);
                _processors.Process(_histories[beam], _row);
            }
            _candidates.OfferRow(_row, _beamScores[beam], beam * vocabSize);
        }
    }

    /// <summary>HF <c>BeamSearchScorer.process</c> for one request: EOS candidates to hypotheses, the rest to new beams.</summary>
    private void FillBeams(int vocabSize, int curLen)
    {
        int filled = 0;
        for (int rank = 0; rank < _candidates.Count && filled < _beamCount; rank++)
        {
            int flat = _candidates.Index(rank);
            int beam = flat / vocabSize;
            int token = flat % vocabSize;
            float score = _candidates.Score(rank);
            if (!_ignoreEos && token == _eos)
            {
                // An EOS outside the top K is dropped: K better continuations exist already.
                if (rank >= _beamCount)
                    continue;
                // HF: generated_len = cur_len − decoder_prompt_len with cur_len = input length + 1, i.e. the stored
                // ids (without the EOS) minus the start token, plus the EOS.
                _hypotheses.Add(_histories.ToArray(beam), score, curLen + 1 - DecoderPromptLength,
                    _histories.LogProbsWith(beam, _candidates.RowValue(rank)));
            }
            else
            {
                _nextScores[filled] = score;
                _nextBeams[filled] = beam;
                _nextTokens[filled] = token;
                _nextLogProbs[filled] = _candidates.RowValue(rank);
                filled++;
            }
        }
        if (filled < _beamCount)
            throw new InvalidOperationException("Too few non-EOS candidates to fill the beams."); // HF raises too
    }

    /// <summary>HF <c>finalize</c>: add the running beams unless done, take the best, append EOS if it still fits.</summary>
    private void Finish()
    {
        if (!_hypothesesDone)
        {
            int generatedLength = _histories.Length - DecoderPromptLength;
            for (int beam = 0; beam < _beamCount; beam++)
                _hypotheses.Add(_histories.ToArray(beam), _beamScores[beam], generatedLength, _histories.LogProbs(beam));
        }

        (double score, int[] best) = _hypotheses.Best();
        float[] logProbs = _hypotheses.BestLogProbs();
        if (best.Length < _maxLength)
        {
            Array.Resize(ref best, best.Length + 1);
            best[^1] = _eos;
        }
        // One value per generated token. An EOS appended here without having been chosen (HF pads it with beam index
        // −1) gets HF's masked value, 0.
        if (logProbs.Length < best.Length - 1)
            Array.Resize(ref logProbs, best.Length - 1);
        SequenceScore = score;
        _resultLogProbs = logProbs;
        _result = best;
    }
}
