using System.Text;
using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>
/// A mask in COCO's compressed run-length encoding, as <c>pycocotools.mask.encode</c> writes it: <c>size</c> is
/// [height, width]; <c>counts</c> are the lengths of alternating runs of 0s and 1s over the pixels in
/// column-major order (down the first column, then the next), starting with 0s (a mask whose first pixel is set
/// starts with a run of length 0), written as COCO's LEB128-like string (maskApi.c <c>rleToString</c>).
/// </summary>
public sealed record CocoRle(
    [property: JsonPropertyName("size")] IReadOnlyList<int> Size,
    [property: JsonPropertyName("counts")] string Counts)
{
    public static CocoRle Encode(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return new CocoRle([mask.Height, mask.Width], Compress(Runs(mask)));
    }

    /// <summary>Run lengths in column-major order, the first one counting 0s.</summary>
    internal static List<long> Runs(BinaryMask mask)
    {
        var runs = new List<long>();
        bool current = false;
        long length = 0;
        for (int x = 0; x < mask.Width; x++)
            for (int y = 0; y < mask.Height; y++)
            {
                if (mask[x, y] != current)
                {
                    runs.Add(length);
                    (current, length) = (!current, 0);
                }
                length++;
            }
        runs.Add(length);
        return runs;
    }

    /// <summary>
    /// COCO's string form: from the third run on each count is written as its difference from the count two before;
    /// each value goes out in 5-bit groups, low first, as characters 48 + group, with 0x20 set while more groups
    /// follow and 0x10 of the last group carrying the sign.
    /// </summary>
    internal static string Compress(IReadOnlyList<long> runs)
    {
        var text = new StringBuilder();
        for (int i = 0; i < runs.Count; i++)
        {
            long value = runs[i];
            if (i > 2) value -= runs[i - 2];
            bool more = true;
            while (more)
            {
                long group = value & 0x1f;
                value >>= 5;
                more = (group & 0x10) != 0 ? value != -1 : value != 0;
                if (more) group |= 0x20;
                text.Append((char)(group + 48));
            }
        }
        return text.ToString();
    }
}
