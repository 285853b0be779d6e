using System.Runtime.InteropServices;

namespace Florence2.Generation;

/// <summary>
/// HF greedy decoding for one request: the logits processors run on the raw logits (no softmax), the argmax is appended
/// (lowest id on ties), and decoding stops after EOS or at the maximum length. Always one decoder row.
/// </summary>
public sealed class GreedySearch : ISequenceSearch
{
    private readonly List<int> _history;
    private readonly List<float> _logProbs;
    private readonly ILogitsProcessor _processors;
    private readonly int _maxLength;
    private readonly int _eos;
    private readonly bool _ignoreEos;
    private float[] _scores = [];

    /// <summary>Creates a search that starts from <see cref="SpecialTokenIds.DecoderStart"/>.</summary>
    /// <param name="settings">Decoding settings (n-gram size, IgnoreEos; beam fields are ignored).</param>
    /// <param name="ids">Special token ids.</param>
    /// <param name="maxLength">Total decoder length including the start token (≥ 2).</param>
    public GreedySearch(GenerationSettings settings, SpecialTokenIds ids, int maxLength)
    {
        SearchArguments.Validate(settings, ids, maxLength);
        _processors = LogitsProcessorList.Create(settings, ids, maxLength);
        _maxLength = maxLength;
        _eos = ids.Eos;
        _ignoreEos = settings.IgnoreEos;
        _history = new List<int>(Math.Min(maxLength, 1024)) { ids.DecoderStart };
        _logProbs = new List<float>(Math.Min(maxLength, 1024));
    }

    /// <inheritdoc />
    public int RowCount => IsDone ? 0 : 1;

    /// <inheritdoc />
    public bool IsDone { get; private set; }

    /// <inheritdoc />
    public int Steps => _history.Count - 1;

    /// <inheritdoc />
    public IReadOnlyList<int> Result =>
        IsDone ? _history : throw new InvalidOperationException("The search is not done yet.");

    /// <inheritdoc />
    /// <remarks>
    /// HF <c>compute_transition_scores(..., normalize_logits=True)</c> on greedy output: the log-softmax of the
    /// processed logits at the chosen token, i.e. renormalised over what the processors left (a forced token gets 0).
    /// </remarks>
    public IReadOnlyList<float> TokenLogProbs =>
        IsDone ? _logProbs : throw new InvalidOperationException("The search is not done yet.");

    /// <inheritdoc />
    /// <remarks>Ours, not HF's (greedy search has no sequence score upstream): the mean of <see cref="TokenLogProbs"/>.</remarks>
    public double SequenceScore { get; private set; }

    /// <inheritdoc />
    public void WriteNextInputTokens(Span<long> destination)
    {
        if (IsDone)
            return;
        destination[0] = _history[^1];
    }

    /// <inheritdoc />
    public int Advance(ReadOnlySpan<float> logits, int vocabSize, Span<int> parents)
    {
        if (IsDone)
            throw new InvalidOperationException("The search is already done.");
        SearchArguments.ValidateStep(logits, rowCount: 1, vocabSize, parents, nextRows: 1);
        if (_scores.Length != vocabSize)
            _scores = new float[vocabSize];

        logits.CopyTo(_scores);
        _processors.Process(CollectionsMarshal.AsSpan(_history), _scores);
        int token = ArgMax(_scores);
        _history.Add(token);
        // The chosen token is the row maximum, so its log-probability needs only the sum of exponentials.
        _logProbs.Add(LogSoftmax.LogProbOfMaximum(_scores, _scores[token]));

        IsDone = (!_ignoreEos && token == _eos) || _history.Count >= _maxLength;
        if (IsDone)
        {
            SequenceScore = Mean(_logProbs);
            return 0;
        }
        parents[0] = 0;
        return 1;
    }

    private static double Mean(List<float> values)
    {
        double sum = 0;
        foreach (float value in values)
            sum += value;
        return values.Count == 0 ? 0 : sum / values.Count;
    }

    // First maximum wins, matching torch.argmax on ties.
    private static int ArgMax(ReadOnlySpan<float> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
            if (scores[i] > scores[best])
                best = i;
        return best;
    }
}
