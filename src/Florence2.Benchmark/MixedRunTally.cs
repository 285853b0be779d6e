using System.Diagnostics;
using System.Globalization;

namespace Florence2.Benchmark;

/// <summary>
/// One batching mode's slices of one loop, summed over the rounds of the continuous phase (the two modes take turns
/// slice by slice): the requests, the wall and sending time, the service's CPU time and its batch-size histogram.
/// </summary>
internal sealed class MixedRunTally(string mode, string loop, int clients, double? offeredRps)
{
    private readonly List<ClassSample> _samples = [];
    private double _wallSeconds;
    private double _sendingSeconds;
    private double _cpuMs;
    private double _batchSizeSum;
    private double _batches;
    private double _joins;

    /// <summary>Runs one slice against <paramref name="service"/>; <c>SendingSeconds</c> is the open loop's time to send its arrivals.</summary>
    public async Task AddSliceAsync(ServiceProcess service, HttpClient http,
        Func<Task<(List<ClassSample> Samples, double SendingSeconds)>> slice)
    {
        var histogramBefore = await service.BatchSizeHistogramAsync(http);
        double joinsBefore = await JoinsAsync(service, http);
        double cpuBefore = MachineInfo.CpuMs(service.Pid);
        var watch = Stopwatch.StartNew();
        var (samples, sendingSeconds) = await slice();
        double wall = watch.Elapsed.TotalSeconds;
        _cpuMs += MachineInfo.CpuMs(service.Pid) - cpuBefore;
        var histogramAfter = await service.BatchSizeHistogramAsync(http);
        _batchSizeSum += histogramAfter.Sum - histogramBefore.Sum;
        _batches += histogramAfter.Count - histogramBefore.Count;
        _joins += await JoinsAsync(service, http) - joinsBefore;
        _wallSeconds += wall;
        _sendingSeconds += sendingSeconds;
        _samples.AddRange(samples);
        Console.WriteLine($"    {mode} {loop}: {samples.Count} requests, {samples.Count(s => !s.Sample.Ok)} errors, {wall:F1} s");
    }

    public MixedRun ToRun(TrafficClass shortClass, TrafficClass longClass)
    {
        var ok = _samples.Where(s => s.Sample.Ok).Select(s => s.Sample).ToList();
        return new MixedRun(mode, loop, clients, offeredRps, offeredRps is null ? null : _samples.Count / _sendingSeconds,
            _samples.Count, _samples.Count - ok.Count, Math.Round(_wallSeconds, 2),
            ok.Count / _wallSeconds, ok.Sum(s => s.GeneratedTokens) / _wallSeconds,
            ok.Count == 0 ? double.NaN : ok.Average(s => s.BatchSize),
            _batches > 0 ? _batchSizeSum / _batches : double.NaN, _joins,
            _samples.Count == 0 ? double.NaN : _cpuMs / _samples.Count,
            StatsOf(shortClass), StatsOf(longClass));
    }

    /// <summary>
    /// The service's <c>florence2_batch_joins_total</c> (all label sets): requests that joined a batch already decoding.
    /// A service without continuous batching, or one where nothing joined yet, exports no such line: 0.
    /// </summary>
    private static async Task<double> JoinsAsync(ServiceProcess service, HttpClient http)
    {
        const string name = "florence2_batch_joins_total";
        string text = await http.GetStringAsync(new Uri(service.BaseAddress, "metrics"));
        return text.Split('\n').Where(line => line.Split('{', ' ')[0] == name).Sum(Value);

        // The first number after the name and its labels (a timestamp may follow it).
        static double Value(string line)
        {
            string rest = line.Contains('}') ? line[(line.LastIndexOf('}') + 1)..] : line[name.Length..];
            return double.Parse(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        }
    }

    private ClassStats StatsOf(TrafficClass trafficClass)
    {
        var mine = _samples.Where(s => s.Class == trafficClass).Select(s => s.Sample).ToList();
        var ok = mine.Where(s => s.Ok).ToList();
        var latencies = ok.Select(s => s.LatencyMs).ToList();
        return new ClassStats(trafficClass.Name, trafficClass.Tokens, mine.Count, mine.Count - ok.Count,
            Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 99),
            ok.Count == 0 ? double.NaN : ok.Average(s => s.GeneratedTokens));
    }
}
