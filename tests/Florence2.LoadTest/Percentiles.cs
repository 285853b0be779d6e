using System.Globalization;

namespace Florence2.LoadTest;

/// <summary>Nearest-rank percentiles of a latency sample.</summary>
public static class Percentiles
{
    public static double Of(IReadOnlyList<double> values, double percentile)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        int rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Summary(IReadOnlyList<double> values) => string.Create(CultureInfo.InvariantCulture,
        $"p50={Of(values, 50):F1} ms p90={Of(values, 90):F1} ms p99={Of(values, 99):F1} ms max={(values.Count == 0 ? double.NaN : values.Max()):F1} ms");
}
