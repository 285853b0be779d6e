using System.Globalization;
using Florence2.Tests;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// The samples of a Prometheus text exposition (<c>/metrics</c>): <c>name{labels} value</c> lines. The OpenTelemetry
/// exporter emits the batcher's instruments under the names they were created with (units in braces such as
/// <c>{request}</c> add no suffix; histograms get <c>_bucket</c>/<c>_sum</c>/<c>_count</c>).
/// </summary>
public sealed class Prometheus(IReadOnlyList<Prometheus.Sample> samples, string text)
{
    public sealed record Sample(string Name, string Labels, double Value);

    public IReadOnlyList<Sample> Samples { get; } = samples;

    public string Text { get; } = text;

    public static async Task<Prometheus> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return Parse(await response.Content.ReadAsStringAsync());
    }

    public static Prometheus Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            // "name{labels} value [timestamp]" or "name value [timestamp]".
            int brace = line.IndexOf('{', StringComparison.Ordinal);
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            string name, labels, rest;
            if (brace >= 0 && (space < 0 || brace < space))
            {
                int close = line.LastIndexOf('}');
                (name, labels, rest) = (line[..brace], line[(brace + 1)..close], line[(close + 1)..]);
            }
            else if (space > 0) (name, labels, rest) = (line[..space], "", line[space..]);
            else continue;
            string value = rest.Trim().Split(' ')[0];
            samples.Add(new Sample(name, labels, double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
        return new Prometheus(samples, text);
    }

    /// <summary>Sum of every sample of <paramref name="name"/> whose labels contain <paramref name="labelFilter"/> (0 when absent).</summary>
    public double Value(string name, string? labelFilter = null) =>
        Samples.Where(s => s.Name == name && (labelFilter is null || s.Labels.Contains(labelFilter, StringComparison.Ordinal)))
            .Sum(s => s.Value);

    public bool Has(string name) => Samples.Any(s => s.Name == name);

    /// <summary>Scrapes until <paramref name="condition"/> holds (the exporter caches a scrape briefly); see <see cref="Eventually"/>.</summary>
    public static Task<Prometheus> WaitForAsync(HttpClient client, Func<Prometheus, bool> condition, string what) =>
        Eventually.UntilAsync(() => ScrapeAsync(client), condition, "metrics showing " + what, scrape => scrape.Text);
}
