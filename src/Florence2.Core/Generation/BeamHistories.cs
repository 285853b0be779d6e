using System.Runtime.InteropServices;

namespace Florence2.Generation;

/// <summary>
/// The token ids of each running beam, all of the same length, and beside them the transition log-probability of every
/// generated token along that beam's own ancestry (spec §16.1). Reordering copies the parents' lists into a second set
/// and swaps, so a step allocates nothing once the lists have grown (histories are short next to the vocabulary) and
/// the log-probabilities follow every beam reordering exactly as the ids do.
/// </summary>
internal sealed class BeamHistories
{
    private List<int>[] _current;
    private List<int>[] _next;
    private List<float>[] _currentLogProbs;
    private List<float>[] _nextLogProbs;

    public BeamHistories(int beamCount, int startToken, int expectedLength)
    {
        _current = new List<int>[beamCount];
        _next = new List<int>[beamCount];
        _currentLogProbs = new List<float>[beamCount];
        _nextLogProbs = new List<float>[beamCount];
        for (int b = 0; b < beamCount; b++)
        {
            _current[b] = new List<int>(expectedLength) { startToken };
            _next[b] = new List<int>(expectedLength);
            _currentLogProbs[b] = new List<float>(expectedLength);
            _nextLogProbs[b] = new List<float>(expectedLength);
        }
    }

    /// <summary>Common length of every beam (HF <c>cur_len</c>).</summary>
    public int Length => _current[0].Count;

    public ReadOnlySpan<int> this[int beam] => CollectionsMarshal.AsSpan(_current[beam]);

    public int[] ToArray(int beam) => _current[beam].ToArray();

    /// <summary>The beam's transition log-probabilities (one per generated token, <see cref="Length"/> − 1 of them).</summary>
    public float[] LogProbs(int beam) => _currentLogProbs[beam].ToArray();

    /// <summary>The beam's log-probabilities followed by one more (the EOS that finishes it as a hypothesis).</summary>
    public float[] LogProbsWith(int beam, float last)
    {
        var source = CollectionsMarshal.AsSpan(_currentLogProbs[beam]);
        var result = new float[source.Length + 1];
        source.CopyTo(result);
        result[^1] = last;
        return result;
    }

    /// <summary>New beam i becomes beam <c>parents[i]</c> followed by <c>tokens[i]</c>, whose log-probability is <c>logProbs[i]</c>.</summary>
    public void Advance(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, ReadOnlySpan<float> logProbs)
    {
        for (int i = 0; i < _next.Length; i++)
        {
            List<int> target = _next[i];
            target.Clear();
            target.AddRange(CollectionsMarshal.AsSpan(_current[parents[i]]));
            target.Add(tokens[i]);

            List<float> targetLogProbs = _nextLogProbs[i];
            targetLogProbs.Clear();
            targetLogProbs.AddRange(CollectionsMarshal.AsSpan(_currentLogProbs[parents[i]]));
            targetLogProbs.Add(logProbs[i]);
        }
        (_current, _next) = (_next, _current);
        (_currentLogProbs, _nextLogProbs) = (_nextLogProbs, _currentLogProbs);
    }
}
