using System.Text;
using Florence2.Generation;

namespace Florence2.Tasks;

/// <summary>
/// Confidence of a piece of generated text, the way the reference computes it (spec §16.2–16.3): the generated tokens are
/// laid end to end as <c>decode_with_spans</c> writes them (<see cref="Text"/>), each owning a <c>[start, end)</c> character
/// span; a piece of that text scores <c>exp(mean log-probability of the tokens whose spans overlap it)</c>.
/// </summary>
/// <remarks>
/// Parsers find the pieces in the text with the special tokens removed and shift each position by a running offset, as
/// the reference's <c>avg_loc_scores</c> does: <see cref="StartOffset"/> for the leading <c>&lt;s&gt;</c>, plus the length
/// of every earlier chunk. A piece no token overlaps scores exp(0) = 1, as in the reference.
/// </remarks>
internal sealed class SpanScorer
{
    private readonly int[] _starts;
    private readonly int[] _ends;
    private readonly float[] _logProbs;

    public SpanScorer(IReadOnlyList<GeneratedToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _starts = new int[tokens.Count];
        _ends = new int[tokens.Count];
        _logProbs = new float[tokens.Count];
        var text = new StringBuilder();
        for (int i = 0; i < tokens.Count; i++)
        {
            _starts[i] = text.Length;
            text.Append(tokens[i].Text);
            _ends[i] = text.Length;
            _logProbs[i] = tokens[i].LogProb;
        }
        Text = text.ToString();
        StartOffset = Text.StartsWith(SpecialTokens.Bos, StringComparison.Ordinal) ? SpecialTokens.Bos.Length : 0;
    }

    /// <summary>The tokens' texts concatenated: the text the scoring parse runs on.</summary>
    public string Text { get; }

    /// <summary>The reference's initial <c>cur_span</c>: 3 when <see cref="Text"/> starts with <c>&lt;s&gt;</c>, else 0.</summary>
    public int StartOffset { get; }

    /// <summary>exp(mean log-probability) of the tokens overlapping <c>[start, end)</c> of <see cref="Text"/>.</summary>
    public double Score(int start, int end) => Score([new SpanRange(start, end)]);

    /// <summary>exp(mean log-probability) of the tokens overlapping any of <paramref name="ranges"/>, each token counted once.</summary>
    public double Score(IReadOnlyList<SpanRange> ranges)
    {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < _starts.Length; i++)
        {
            foreach (SpanRange range in ranges)
            {
                // The reference's _find_matched_token_indices: not (end <= s or start >= e).
                if (!(_ends[i] <= range.Start || _starts[i] >= range.End))
                {
                    sum += _logProbs[i];
                    count++;
                    break;
                }
            }
        }
        return Math.Exp(count == 0 ? 0 : sum / count);
    }
}

/// <summary>A <c>[Start, End)</c> range of characters in <see cref="SpanScorer.Text"/>.</summary>
internal readonly record struct SpanRange(int Start, int End);
