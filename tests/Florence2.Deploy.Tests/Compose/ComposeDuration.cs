using System.Globalization;
using System.Text.RegularExpressions;

namespace Florence2.Tests.Deploy.Compose;

/// <summary>Compose durations (Go syntax): <c>45s</c>, <c>1m30s</c>, <c>500ms</c>, <c>1h</c>.</summary>
internal static partial class ComposeDuration
{
    public static TimeSpan? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !Whole().IsMatch(text))
            return null;
        var total = TimeSpan.Zero;
        foreach (Match part in Part().Matches(text))
        {
            double value = double.Parse(part.Groups["value"].Value, CultureInfo.InvariantCulture);
            total += part.Groups["unit"].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                "ms" => TimeSpan.FromMilliseconds(value),
                "us" => TimeSpan.FromMicroseconds(value),
                _ => throw new FormatException(text),
            };
        }
        return total;
    }

    [GeneratedRegex(@"^(\d+(\.\d+)?(h|ms|m|s|us))+$")]
    private static partial Regex Whole();

    [GeneratedRegex(@"(?<value>\d+(\.\d+)?)(?<unit>h|ms|m|s|us)")]
    private static partial Regex Part();
}
