using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Florence2.Benchmark;

/// <summary>One HTTP load level: closed loop, <c>Concurrency</c> clients each sending its next request when answered.</summary>
internal sealed record LevelResult(string Mode, int Concurrency, int Requests, int Errors, double WallSeconds,
    double ThroughputRps, double P50Ms, double P90Ms, double P99Ms, double MeanMs,
    double MeanBatchSize, double MetricsMeanBatchSize, double MeanGeneratedTokens, double MeanQueueMs, double ServiceCpuMsPerRequest);

internal sealed record RequestSample(double LatencyMs, bool Ok, int BatchSize, int GeneratedTokens, double QueueMs);

/// <summary>Sends caption requests (JSON, base64 image) to a service on loopback.</summary>
internal sealed class LoadGenerator(HttpClient http, byte[] jpeg)
{
    private readonly string _image = Convert.ToBase64String(jpeg);

    public byte[] Body(int tokens, int beams) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["image"] = _image,
        ["task"] = "<CAPTION>",
        ["num_beams"] = beams,
        ["max_new_tokens"] = tokens,
    });

    /// <summary>One single-task request (<c>POST /v1/{family}</c>), greedy, <paramref name="tokens"/> new tokens.</summary>
    public byte[] TaskBody(string task, int tokens) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["image"] = _image,
        ["task"] = task,
        ["num_beams"] = 1,
        ["max_new_tokens"] = tokens,
    });

    /// <summary>One <c>POST /v1/analyze</c> request running <paramref name="tasks"/> on the image, greedy.</summary>
    public byte[] AnalyzeBody(IEnumerable<string> tasks, int tokens) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["image"] = _image,
        ["tasks"] = new JsonArray([.. tasks.Select(t => (JsonNode)JsonValue.Create(t))]),
        ["num_beams"] = 1,
        ["max_new_tokens"] = tokens,
    });

    /// <summary>Posts a JSON body to <paramref name="route"/>; the latency, or NaN when it failed (logged).</summary>
    public async Task<double> PostAsync(Uri baseAddress, string route, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        long started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.PostAsync(new Uri(baseAddress, route), content);
            string text = await response.Content.ReadAsStringAsync();
            double latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (response.IsSuccessStatusCode) return latency;
            Console.Error.WriteLine($"  {route}: HTTP {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
        }
        catch (HttpRequestException ex)
        {
            Console.Error.WriteLine($"  {route}: request failed: {ex.Message}");
        }
        return double.NaN;
    }

    /// <summary>The <c>model.dtype</c> a short caption answer reports: which weights the service really loaded.</summary>
    public async Task<string> ModelDtypeAsync(Uri baseAddress)
    {
        using var content = new ByteArrayContent(Body(1, 1));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(new Uri(baseAddress, "v1/caption"), content);
        string text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text)?["model"]?["dtype"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"no model.dtype in the answer (HTTP {(int)response.StatusCode}): {text[..Math.Min(300, text.Length)]}");
    }

    /// <summary>Posts one request (a caption unless <paramref name="route"/> says otherwise) and reads its timings.</summary>
    public async Task<RequestSample> SendAsync(Uri baseAddress, byte[] body, string route = "v1/caption")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        long started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.PostAsync(new Uri(baseAddress, route), content);
            string text = await response.Content.ReadAsStringAsync();
            double latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"  HTTP {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
                return new RequestSample(latency, false, 0, 0, 0);
            }
            var timings = JsonNode.Parse(text)!["timings"]!;
            return new RequestSample(latency, true, timings["batch_size"]!.GetValue<int>(),
                timings["generated_tokens"]!.GetValue<int>(), timings["queue_ms"]!.GetValue<double>());
        }
        catch (HttpRequestException ex)
        {
            Console.Error.WriteLine($"  request failed: {ex.Message}");
            return new RequestSample(Stopwatch.GetElapsedTime(started).TotalMilliseconds, false, 0, 0, 0);
        }
    }

    /// <summary>Runs <paramref name="total"/> requests from <paramref name="concurrency"/> clients.</summary>
    public async Task<List<RequestSample>> RunAsync(Uri baseAddress, byte[] body, int concurrency, int total)
    {
        var samples = new List<RequestSample>(total);
        int issued = 0;
        var clients = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref issued) <= total)
            {
                var sample = await SendAsync(baseAddress, body);
                lock (samples) samples.Add(sample);
            }
        });
        await Task.WhenAll(clients);
        return samples;
    }

    public async Task<LevelResult> MeasureLevelAsync(ServiceProcess service, string mode, byte[] body, int concurrency, int total)
    {
        var before = await service.BatchSizeHistogramAsync(http);
        double cpuBefore = MachineInfo.CpuMs(service.Pid);
        var watch = Stopwatch.StartNew();
        var samples = await RunAsync(service.BaseAddress, body, concurrency, total);
        double wall = watch.Elapsed.TotalSeconds;
        double cpu = MachineInfo.CpuMs(service.Pid) - cpuBefore;
        var after = await service.BatchSizeHistogramAsync(http);
        var ok = samples.Where(s => s.Ok).ToList();
        var latencies = ok.Select(s => s.LatencyMs).ToList();
        double metricsMean = after.Count > before.Count ? (after.Sum - before.Sum) / (after.Count - before.Count) : double.NaN;
        return new LevelResult(mode, concurrency, samples.Count, samples.Count - ok.Count, Math.Round(wall, 2),
            ok.Count / wall, Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 90), Stats.Percentile(latencies, 99),
            latencies.Count == 0 ? double.NaN : latencies.Average(),
            ok.Count == 0 ? double.NaN : ok.Average(s => s.BatchSize), metricsMean,
            ok.Count == 0 ? double.NaN : ok.Average(s => s.GeneratedTokens), ok.Count == 0 ? double.NaN : ok.Average(s => s.QueueMs),
            samples.Count == 0 ? double.NaN : cpu / samples.Count);
    }
}
