using System.Globalization;

namespace Florence2.Service.Tests.Hardening;

/// <summary>Reads a counter from the Prometheus text exposition at /metrics, summed over its label sets.</summary>
public static class PrometheusText
{
    public static double Sum(string exposition, string metric) =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
            .Sum(Value);

    // "name{labels} value [timestamp]" or "name value [timestamp]".
    private static double Value(string line)
    {
        int afterName = line.IndexOf('{') >= 0 ? line.LastIndexOf('}') + 1 : line.IndexOf(' ');
        return double.Parse(line[afterName..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
