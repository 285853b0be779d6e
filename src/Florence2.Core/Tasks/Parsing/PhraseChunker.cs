using System.Text.RegularExpressions;

namespace Florence2.Tasks;

/// <summary>
/// Splits generated text into phrase chunks (label text followed by a run of at least four coordinate tokens) and reads
/// a chunk's label, with the reference's regexes (spec §10.4 steps 2 and 4, §10.6 steps 2 and 4). One instance serves
/// the box parsers, another the polygon parsers; they differ only in which tokens form the run and end a label.
/// </summary>
internal sealed class PhraseChunker
{
    private const string LabelStops = "<od>|</od>|<box>|</box>|<bbox>|</bbox>|<loc_";

    /// <summary>Chunks whose run is made of loc tokens (OD, dense captions, proposals, grounding).</summary>
    public static readonly PhraseChunker Boxes = new(@"<loc_\d+>", LabelStops);

    /// <summary>Chunks whose run also holds <c>&lt;sep&gt;</c>, <c>&lt;poly&gt;</c>, <c>&lt;/poly&gt;</c> (segmentation).</summary>
    public static readonly PhraseChunker Polygons = new(@"<loc_\d+>|<sep>|<poly>|</poly>", LabelStops + "|<poly>");

    private readonly Regex labelledChunk;
    private readonly Regex unlabelledChunk;
    private readonly Regex label;

    private PhraseChunker(string runToken, string labelStops)
    {
        // [^<]+ may start right after a '<', which is where labels such as "loc_44>person" come from (§15.4).
        labelledChunk = new Regex($"([^<]+(?:{runToken}){{4,}})", RegexOptions.Compiled);
        unlabelledChunk = new Regex($"(?:(?:{runToken}){{4,}})", RegexOptions.Compiled);

        // Python's \s (not .NET's) so leading whitespace such as U+001C is skipped the same way; '.' stops at '\n',
        // so a label containing a newline does not match and its chunk is dropped, as in the reference.
        label = new Regex($"^{PythonText.WhitespaceClass}*(.*?)(?={labelStops})", RegexOptions.Compiled);
    }

    /// <summary>
    /// All non-overlapping chunks, left to right. With <paramref name="requireLabel"/> a chunk starts with at least one
    /// non-<c>&lt;</c> character (allow_empty_phrase = false); without it a chunk is just the token run.
    /// </summary>
    public IEnumerable<string> FindChunks(string text, bool requireLabel)
    {
        Regex chunk = requireLabel ? labelledChunk : unlabelledChunk;
        foreach (Match match in chunk.Matches(text))
        {
            yield return match.Value;
        }
    }

    /// <summary>
    /// The chunk's label: the whole label match, stripped of Python whitespace; null when the label regex does not match
    /// (then the reference skips the chunk).
    /// </summary>
    public string? ReadLabel(string chunk)
    {
        Match match = MatchLabel(chunk);
        return match.Success ? PythonText.Strip(match.Value) : null;
    }

    /// <summary>The label match itself (unstripped, with its position: the span the label's score covers).</summary>
    public Match MatchLabel(string chunk) => label.Match(chunk);
}
