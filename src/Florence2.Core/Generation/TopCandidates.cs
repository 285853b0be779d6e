namespace Florence2.Generation;

/// <summary>
/// Partial top-k selection over a stream of (score, flat index) pairs offered in ascending index order — the stand-in
/// for <c>torch.topk(…, sorted=True)</c> over the K·V beam scores. Ties keep the lower flat index first (a stable sort by
/// score descending), which is deterministic where torch leaves the order unspecified.
/// </summary>
/// <remarks>
/// Each offer costs one comparison against the current k-th best unless it enters the top k, so a step is O(K·V) with a
/// tiny constant and no sort of the K·V entries. Buffers are allocated once per search.
/// </remarks>
internal sealed class TopCandidates
{
    private readonly float[] _scores;
    private readonly float[] _rowValues;
    private readonly int[] _indices;

    public TopCandidates(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _scores = new float[capacity];
        _rowValues = new float[capacity];
        _indices = new int[capacity];
    }

    public int Capacity => _scores.Length;

    public int Count { get; private set; }

    public float Score(int rank) => _scores[rank];

    public int Index(int rank) => _indices[rank];

    /// <summary>
    /// The row value the candidate was offered with, before the addend: in beam search the processed log-probability
    /// of the token alone, which is its transition score (spec §16.1). Kept here so no row has to be stored or recomputed.
    /// </summary>
    public float RowValue(int rank) => _rowValues[rank];

    public void Clear() => Count = 0;

    /// <summary>Offers <c>row[t] + addend</c> (float arithmetic, as torch adds beam scores) with index <c>baseIndex + t</c> for every t.</summary>
    public void OfferRow(ReadOnlySpan<float> row, float addend, int baseIndex)
    {
        int capacity = _scores.Length;
        for (int t = 0; t < row.Length; t++)
        {
            float score = row[t] + addend;
            // Strict comparison: an equal score arriving later (higher index) never displaces an earlier one.
            if (Count == capacity && !(score > _scores[capacity - 1]))
                continue;
            Insert(score, row[t], baseIndex + t);
        }
    }

    private void Insert(float score, float rowValue, int index)
    {
        int capacity = _scores.Length;
        int position = Count < capacity ? Count : capacity - 1;
        // Shift lower scores down; stop at the first entry that is ≥ score so equal scores stay in arrival order.
        while (position > 0 && _scores[position - 1] < score)
        {
            _scores[position] = _scores[position - 1];
            _rowValues[position] = _rowValues[position - 1];
            _indices[position] = _indices[position - 1];
            position--;
        }
        _scores[position] = score;
        _rowValues[position] = rowValue;
        _indices[position] = index;
        if (Count < capacity)
            Count++;
    }
}
