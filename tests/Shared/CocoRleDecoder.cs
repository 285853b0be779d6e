namespace Florence2.Tests;

/// <summary>
/// COCO's compressed RLE, decoded as the format is described (pycocotools' mask.py and maskApi.c): the string is a
/// sequence of numbers, each written in groups of 5 bits, lowest first, one character per group (character − 48);
/// bit 0x20 of a group says another group follows, and bit 0x10 of the last group is the sign. From the third number
/// on, each stored number is the difference to the number two places before. The numbers are the lengths of
/// alternating runs of 0s and 1s, starting with 0s, over the pixels in column-major order. Written here, apart from the
/// service's encoder, so that a test checks the encoder against the format rather than against itself.
/// </summary>
public static class CocoRleDecoder
{
    public static IReadOnlyList<long> Counts(string counts)
    {
        var numbers = new List<long>();
        int position = 0;
        while (position < counts.Length)
        {
            long value = 0;
            int shift = 0;
            bool more;
            do
            {
                int group = counts[position++] - 48;
                value |= (long)(group & 0x1f) << shift;
                shift += 5;
                more = (group & 0x20) != 0;
                if (!more && (group & 0x10) != 0) value |= -1L << shift;   // negative: extend the sign
            }
            while (more);
            if (numbers.Count > 2) value += numbers[^2];
            numbers.Add(value);
        }
        return numbers;
    }

    /// <summary>The mask as [row, column] booleans (height × width).</summary>
    public static bool[,] Decode(int height, int width, string counts)
    {
        var mask = new bool[height, width];
        long pixel = 0;
        bool inside = false;
        foreach (long run in Counts(counts))
        {
            for (long i = 0; i < run; i++, pixel++)
                mask[pixel % height, pixel / height] = inside;   // column-major: down a column, then the next
            inside = !inside;
        }
        if (pixel != (long)height * width)
            throw new FormatException($"The runs cover {pixel} pixels; a {height}x{width} mask has {(long)height * width}.");
        return mask;
    }
}
