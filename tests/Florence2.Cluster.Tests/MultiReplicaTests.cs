using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Florence2.Tests;
using Xunit.Abstractions;

namespace Florence2.Cluster.Tests;

/// <summary>
/// Three real replicas (tiny fixture model, loopback ports) behind real nginx running deploy/nginx/nginx.conf. Under a
/// bounded load one replica gets SIGTERM: it must drain and exit 0, nginx must route around it (retrying 503s and
/// refused connections), no client may see a 5xx, and every request must get exactly one answer.
/// The run is paced by counts, not by the clock, so a slow or busy machine runs the same scenario: the SIGTERM goes
/// out once <see cref="StopAfterAnswers"/> requests have been answered, and the load goes on until
/// <see cref="Requests"/> have been sent (a third of them at least after the SIGTERM).
/// </summary>
public sealed class MultiReplicaTests(ITestOutputHelper output)
{
    private const int Replicas = 3;
    private const int ClientConcurrency = 8;
    private const int Requests = 360;
    private const int StopAfterAnswers = Requests / 3;

    /// <summary>What the deployment promises for a drain: Kubernetes' termination grace period (deploy/k8s, 60 s).</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    /// <summary>A hang detector for a replica's start (three cold .NET processes on two busy cores).</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_replica_stopped_under_load_drains_while_clients_see_no_errors()
    {
        string model = TestModels.Tiny;
        string work = Directory.CreateTempSubdirectory("florence2-cluster-").FullName;
        var ports = Enumerable.Range(0, Replicas).Select(_ => LoopbackPorts.Free()).ToArray();
        int lbPort = LoopbackPorts.Free();

        var replicas = ports.Select((port, i) => StartReplica(i, port, model)).ToList();
        ChildProcess? nginx = null;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            foreach (var (replica, port) in replicas.Zip(ports))
                await WaitForAsync(http, $"http://127.0.0.1:{port}/health/ready", replica, StartLimit);

            string config = NginxConfig.ForReplicas(File.ReadAllText(RepositoryPaths.NginxConfig), ports, lbPort);
            nginx = NginxProcess.Start(work, config);
            await WaitForAsync(http, $"http://127.0.0.1:{lbPort}/nginx-health", nginx, StartLimit);

            var run = await RunLoadAsync(http, lbPort, replicas[1], ports);

            var stopped = replicas[1];
            Assert.True(run.DrainSeconds is not null, $"replica 1 did not exit within {DrainLimit.TotalSeconds} s of SIGTERM\n{stopped.Tail()}");
            var retries = NginxRetries.From(nginx.Output);
            string report = $"multi-replica run: sent={run.Sent} answered={run.Answered} ok={run.Ok} client_5xx={run.ServerErrors} " +
                $"other={run.Other} sent_after_sigterm={run.SentAfterStop} {retries} drain_s={run.DrainSeconds:F2} stopped_exit_code={stopped.ExitCode} " +
                $"others_ready_throughout={run.OthersAlwaysReady} duration_s={run.Duration.TotalSeconds:F1} after_sigterm_s={run.AfterStop.TotalSeconds:F1}";
            output.WriteLine(report);
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "florence2-cluster-run.txt"), report + "\n");

            Assert.Equal(run.Sent, run.Answered);
            Assert.True(run.ServerErrors == 0, $"{run.ServerErrors} client(s) saw a 5xx: {string.Join(", ", run.Statuses.Where(s => s >= 500).Distinct())}\n{nginx.Tail()}");
            Assert.Equal(run.Sent, run.Ok);
            Assert.Equal(0, stopped.ExitCode);
            Assert.True(run.OthersAlwaysReady, "a replica that was not stopped reported not ready during the run");
            Assert.Equal(Requests, run.Sent);
            Assert.True(run.SentAfterStop >= Requests / 3, $"only {run.SentAfterStop} requests were sent after the SIGTERM");
            Assert.Contains(stopped.Output, line => line.Contains("Drained", StringComparison.Ordinal));
            // A stopped replica is left out after one failed connection for fail_timeout, then probed again: at most
            // one failed connection per client in flight, per fail_timeout window, not one per request.
            int windows = (int)Math.Ceiling(run.AfterStop.TotalSeconds / FailTimeout(config).TotalSeconds) + 1;
            Assert.True(retries.ConnectionFailures <= windows * ClientConcurrency,
                $"the stopped replica cost {retries.ConnectionFailures} retries after failed connections in {run.AfterStop.TotalSeconds:F0} s " +
                $"(at most {windows * ClientConcurrency} expected: {windows} fail_timeout windows x {ClientConcurrency} clients)\n{report}");
        }
        finally
        {
            nginx?.Dispose();
            foreach (var replica in replicas) replica.Dispose();
        }
    }

    private static async Task<LoadRun> RunLoadAsync(HttpClient http, int lbPort, ChildProcess toStop, int[] ports)
    {
        byte[] image = TestImages.Png(96, 72);
        var statuses = new ConcurrentBag<int>();
        int sent = 0, answered = 0;
        int? sentAtStop = null;
        TimeSpan? stoppedAt = null;
        var clock = Stopwatch.StartNew();
        var stopSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        double? drainSeconds = null;
        bool othersReady = true;
        bool loadOver = false;

        async Task ClientAsync()
        {
            while (Interlocked.Increment(ref sent) <= Requests)
            {
                using var form = new MultipartFormDataContent();
                var part = new ByteArrayContent(image);
                part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                form.Add(part, "image", "gradient.png");
                form.Add(new StringContent("1"), "num_beams");
                form.Add(new StringContent("12"), "max_new_tokens");
                try
                {
                    using var response = await http.PostAsync($"http://127.0.0.1:{lbPort}/v1/caption", form);
                    statuses.Add((int)response.StatusCode);
                }
                catch (HttpRequestException)
                {
                    statuses.Add(-1); // no HTTP answer at all: counted as answered-with-error, and fails the test
                }
                if (Interlocked.Increment(ref answered) == StopAfterAnswers) stopSent.TrySetResult();
            }
        }

        async Task StopOneAsync()
        {
            await stopSent.Task;
            sentAtStop = Math.Min(Volatile.Read(ref sent), Requests);
            stoppedAt = clock.Elapsed;
            var sigterm = Stopwatch.StartNew();
            toStop.Terminate();
            if (await toStop.WaitForExitAsync(DrainLimit)) drainSeconds = sigterm.Elapsed.TotalSeconds;
        }

        async Task WatchOthersAsync()
        {
            while (!Volatile.Read(ref loadOver))
            {
                foreach (int port in new[] { ports[0], ports[2] })
                {
                    try
                    {
                        using var ready = await http.GetAsync($"http://127.0.0.1:{port}/health/ready");
                        othersReady &= ready.StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        othersReady = false;
                    }
                }
                await Task.Delay(500);
            }
        }

        var clients = Task.WhenAll(Enumerable.Range(0, ClientConcurrency).Select(_ => ClientAsync()));
        var watch = WatchOthersAsync();
        var stop = StopOneAsync();
        await clients;
        Volatile.Write(ref loadOver, true);
        stopSent.TrySetResult();   // (only if fewer answers came back than the stop waits for; the test then fails on them)
        await Task.WhenAll(watch, stop);
        int actuallySent = Math.Min(sent, Requests);
        var all = statuses.ToArray();
        return new LoadRun(actuallySent, all.Length, all.Count(s => s == 200), all.Count(s => s >= 500 || s < 0),
            all.Count(s => s is > 0 and not 200 and < 500), all, actuallySent - (sentAtStop ?? actuallySent), drainSeconds, othersReady,
            clock.Elapsed, clock.Elapsed - (stoppedAt ?? clock.Elapsed));
    }

    private static ChildProcess StartReplica(int index, int port, string model) => new(
        $"replica {index}", "dotnet", [RepositoryPaths.ServiceDll, "--urls", $"http://127.0.0.1:{port}"],
        new Dictionary<string, string>
        {
            ["Florence2__Model__Path"] = model,
            ["Florence2__Inference__Provider"] = "cpu",
            ["Florence2__Inference__IntraOpThreads"] = "1",
            ["Florence2__Batching__MaxBatchSize"] = "4",
            ["Florence2__Service__DrainTimeoutSeconds"] = "20",
            ["Florence2__Security__KnownProxies__0"] = "127.0.0.1",
            ["DOTNET_gcServer"] = "0",
        });

    private static Task WaitForAsync(HttpClient http, string url, ChildProcess process, TimeSpan limit) =>
        Eventually.UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"{process.Name} exited with {process.ExitCode}\n{process.Tail()}");
            try
            {
                using var response = await http.GetAsync(url);
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return (HttpStatusCode?)null;   // not listening yet
            }
        }, status => status == HttpStatusCode.OK, $"{url} answering 200", _ => process.Tail(), limit, TimeSpan.FromMilliseconds(200));

    /// <summary>The first upstream's fail_timeout: how long nginx leaves a replica out after a failed connection.</summary>
    private static TimeSpan FailTimeout(string nginxConfig)
    {
        var match = System.Text.RegularExpressions.Regex.Match(nginxConfig, @"max_fails=[1-9]\d*\s+fail_timeout=(\d+)s");
        Assert.True(match.Success, "deploy/nginx/nginx.conf: the first upstream must leave a replica out after failed connections (max_fails=N fail_timeout=Ns)");
        return TimeSpan.FromSeconds(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed record LoadRun(int Sent, int Answered, int Ok, int ServerErrors, int Other, int[] Statuses, int SentAfterStop,
        double? DrainSeconds, bool OthersAlwaysReady, TimeSpan Duration, TimeSpan AfterStop);
}
