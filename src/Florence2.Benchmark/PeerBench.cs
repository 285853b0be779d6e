using System.Diagnostics;
using System.Text.Json;

namespace Florence2.Benchmark;

internal sealed record PeerResult(string Library, string Version, double LoadMs, double[] LatenciesMs, int[] GeneratedTokens,
    double MedianMs, double ThroughputRps, double MeanGeneratedTokens, string Dtype = "fp32", int Clients = 1);

/// <summary>Runs the transformers.js peer (peer/bench.mjs under Node) on the same model folder and image.</summary>
internal static class PeerBench
{
    public static async Task<PeerResult> RunAsync(string modelFolder, string imagePath, int tokens, int repeats, string logPath,
        string dtype = "fp32", int clients = 1)
    {
        string dir = RepoPaths.PeerDirectory;
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "@huggingface", "transformers")))
        {
            Console.WriteLine("  installing the peer's npm packages (npm ci) …");
            int rc = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], dir, logPath);
            if (rc != 0) throw new InvalidOperationException($"npm ci failed with {rc} (see {logPath})");
        }
        var output = new List<string>();
        int code = await RunAsync("node", ["bench.mjs", "--model", modelFolder, "--image", imagePath,
            "--tokens", tokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--repeats", repeats.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dtype", dtype, "--clients", clients.ToString(System.Globalization.CultureInfo.InvariantCulture)], dir, logPath, output);
        if (code != 0) throw new InvalidOperationException($"the transformers.js peer exited with {code} (see {logPath})");
        string json = output.Last(l => l.StartsWith('{'));
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        double[] latencies = root.GetProperty("latenciesMs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        int[] generated = root.GetProperty("generatedTokens").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        // With several clients the requests overlap: throughput is requests over the wall time, not over summed latencies.
        double wallMs = root.TryGetProperty("wallMs", out var wall) ? wall.GetDouble() : latencies.Sum();
        return new PeerResult(root.GetProperty("library").GetString()!, root.GetProperty("version").GetString()!,
            root.GetProperty("loadMs").GetDouble(), latencies, generated, Stats.Median(latencies),
            latencies.Length / (wallMs / 1000), generated.Average(), dtype, clients);
    }

    private static async Task<int> RunAsync(string file, string[] arguments, string directory, string logPath, List<string>? stdout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        await using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.WriteLine(e.Data);
            stdout?.Add(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.WriteLine(e.Data);
            if (e.Data.StartsWith("  transformers.js", StringComparison.Ordinal)) Console.WriteLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit(); // drains the redirected streams
        return process.ExitCode;
    }
}
