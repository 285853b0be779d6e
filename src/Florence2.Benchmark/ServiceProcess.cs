using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Florence2.Benchmark;

/// <summary>Florence2.Service as a child process on a free loopback port (the only server the benchmark loads).</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServiceProcess(Process process, Uri baseAddress, StreamWriter log)
    {
        _process = process;
        BaseAddress = baseAddress;
        _log = log;
    }

    public Uri BaseAddress { get; }
    public int Pid => _process.Id;

    public static async Task<ServiceProcess> StartAsync(string modelPath, int maxBatchSize, int maxQueueDelayMs, string logPath,
        HttpClient http, IReadOnlyDictionary<string, string>? extra = null)
    {
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.ServiceDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Florence2__Model__Path"] = modelPath;
        env["Florence2__Inference__Provider"] = "cpu";
        env["Florence2__Batching__MaxBatchSize"] = maxBatchSize.ToString(CultureInfo.InvariantCulture);
        env["Florence2__Batching__MaxQueueDelayMs"] = maxQueueDelayMs.ToString(CultureInfo.InvariantCulture);
        // Closed-loop clients at concurrency 64 with batching off queue for minutes: no queue deadline, room for all.
        env["Florence2__Batching__DefaultTimeoutMs"] = "0";
        env["Florence2__Batching__MaxQueueSize"] = "1024";
        // The benchmark warms up with its own requests (the built-in warm-up runs every task family at the max batch).
        env["Florence2__Service__WarmUp"] = "false";
        env["Florence2__Service__BenchmarkIgnoreEos"] = "true";
        env["Serilog__MinimumLevel__Default"] = "Warning";
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) env[k] = v;

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the service");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}/"), log);
        await service.WaitReadyAsync(http, TimeSpan.FromMinutes(5));
        return service;
    }

    private async Task WaitReadyAsync(HttpClient http, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the service exited with code {_process.ExitCode} before it was ready (see its log)");
            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "health/ready"));
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("the service did not become ready in time");
    }

    public (double RssMiB, double PeakMiB) Memory() => MachineInfo.Memory(_process.Id);

    /// <summary>Sum and count of the florence2_batch_size histogram (all label sets).</summary>
    public async Task<(double Sum, double Count)> BatchSizeHistogramAsync(HttpClient http)
    {
        string text = await http.GetStringAsync(new Uri(BaseAddress, "metrics"));
        double sum = 0, count = 0;
        foreach (string line in text.Split('\n'))
        {
            // The exporter may append a unit suffix: take the metric name up to its labels.
            string name = line.Split('{', ' ')[0];
            if (!name.StartsWith("florence2_batch_size", StringComparison.Ordinal)) continue;
            if (name.EndsWith("_sum", StringComparison.Ordinal)) sum += Value(line);
            else if (name.EndsWith("_count", StringComparison.Ordinal)) count += Value(line);
        }
        return (sum, count);

        static double Value(string line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 2 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
