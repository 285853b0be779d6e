using System.Runtime.InteropServices;

namespace Florence2.Generation;

/// <summary>
/// The token ids of each running beam, all of the same length. Reordering copies the parents' ids into a second set of
/// lists and swaps, so a step allocates nothing once the lists have grown (histories are short next to the vocabulary).
/// </summary>
internal sealed class BeamHistories
{
    private List<int>[] _current;
    private List<int>[] _next;

    public BeamHistories(int beamCount, int startToken, int expectedLength)
    {
        _current = new List<int>[beamCount];
        _next = new List<int>[beamCount];
        for (int b = 0; b < beamCount; b++)
        {
            _current[b] = new List<int>(expectedLength) { startToken };
            _next[b] = new List<int>(expectedLength);
        }
    }

    /// <summary>Common length of every beam (HF <c>cur_len</c>).</summary>
    public int Length => _current[0].Count;

    public ReadOnlySpan<int> this[int beam] => CollectionsMarshal.AsSpan(_current[beam]);

    public int[] ToArray(int beam) => _current[beam].ToArray();

    /// <summary>New beam i becomes beam <c>parents[i]</c> followed by <c>tokens[i]</c>.</summary>
    public void Advance(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens)
    {
        for (int i = 0; i < _next.Length; i++)
        {
            List<int> target = _next[i];
            target.Clear();
            target.AddRange(CollectionsMarshal.AsSpan(_current[parents[i]]));
            target.Add(tokens[i]);
        }
        (_current, _next) = (_next, _current);
    }
}
