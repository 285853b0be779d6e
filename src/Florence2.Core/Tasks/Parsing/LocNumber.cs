using System.Globalization;

namespace Florence2.Tasks;

/// <summary>
/// Turns the digits of a <c>&lt;loc_N&gt;</c> match into an int, never throwing. The parsers' regexes use <c>\d</c> like
/// Python's, which matches any Unicode decimal digit (e.g. Arabic-Indic <c>٣</c>); Python's <c>int()</c> accepts those too,
/// so each digit is mapped through its Unicode decimal value (<c>&lt;loc_٣&gt;</c> is bin 3, as in Python).
/// Values above <see cref="int.MaxValue"/> saturate there (Python would raise an overflow error inside torch instead).
/// </summary>
public static class LocNumber
{
    /// <summary>The value of a run of Unicode decimal digits, saturated to <see cref="int.MaxValue"/>.</summary>
    public static int Parse(ReadOnlySpan<char> digits)
    {
        long value = 0;
        foreach (char c in digits)
        {
            // Only Nd characters reach here; a defensive 0 keeps the method total for any other input.
            int digit = Math.Max(CharUnicodeInfo.GetDecimalDigitValue(c), 0);
            value = Math.Min(value * 10 + digit, int.MaxValue);
        }

        return (int)value;
    }
}
