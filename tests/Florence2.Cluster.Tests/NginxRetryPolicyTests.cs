using System.Net;
using Florence2.Tests;

namespace Florence2.Cluster.Tests;

/// <summary>
/// The deployed nginx retry policy (deploy/nginx/nginx.conf) against stand-in replicas that answer a fixed status:
/// a replica that refuses work with 503 (busy or draining) is retried elsewhere yet never taken out of rotation, and
/// when every replica is busy clients get the service's 503 with Retry-After, not nginx's 502 "no live upstreams".
/// (A replica that is gone is the multi-replica test's case: MultiReplicaTests bounds what it costs.)
/// </summary>
public sealed class NginxRetryPolicyTests
{
    private const int Requests = 60;

    [Fact]
    public async Task A_busy_replica_keeps_its_share_while_its_503s_are_retried_on_another()
    {
        await using var cluster = await StandInCluster.StartAsync([HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.OK]);
        var statuses = await cluster.PostSequentiallyAsync(Requests);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s.Status));
        var busy = cluster.Replicas[0];
        // Not ejected: still chosen in the last third of the run (an ejected replica is left out for fail_timeout, 10 s,
        // far longer than this run), and about as often as a least-connections balancer picks any of three.
        int lateHits = busy.HitsAtRequest.Count(i => i > Requests * 2 / 3);
        Assert.True(lateHits > 0, $"the busy replica got no request in the last third: it was ejected ({busy.Hits} hits in all)\n{cluster.Log()}");
        Assert.True(busy.Hits >= Requests / 6, $"the busy replica got {busy.Hits} of {Requests} requests\n{cluster.Log()}");
        var retries = NginxRetries.From(cluster.Nginx.Output);
        Assert.Equal(busy.Hits, retries.Refusals);
        Assert.Equal(0, retries.ConnectionFailures);
    }

    [Fact]
    public async Task When_every_replica_is_busy_clients_get_the_503_with_Retry_After_not_a_502()
    {
        var busy = HttpStatusCode.ServiceUnavailable;
        await using var cluster = await StandInCluster.StartAsync([busy, busy, busy]);
        var answers = await cluster.PostSequentiallyAsync(Requests / 2);

        Assert.All(answers, a =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status);
            Assert.Equal("1", a.RetryAfter);   // the replica's own answer reached the client
        });
        // Every request was tried on more than one replica, and none was refused by nginx itself.
        Assert.DoesNotContain(cluster.Nginx.Output, line => line.Contains("no live upstreams", StringComparison.Ordinal));
        Assert.True(cluster.Replicas.All(r => r.Hits >= Requests / 2 / 3), string.Join(", ", cluster.Replicas.Select(r => r.Hits)));
    }

    /// <summary>Three loopback stand-in replicas (HttpListener) behind nginx running the deployed config.</summary>
    private sealed class StandInCluster : IAsyncDisposable
    {
        private readonly string _work;
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

        private StandInCluster(string work, IReadOnlyList<StandInReplica> replicas, ChildProcess nginx, int port)
        {
            _work = work;
            Replicas = replicas;
            Nginx = nginx;
            Port = port;
        }

        public IReadOnlyList<StandInReplica> Replicas { get; }
        public ChildProcess Nginx { get; }
        private int Port { get; }

        public static async Task<StandInCluster> StartAsync(IReadOnlyList<HttpStatusCode> statuses)
        {
            string work = Directory.CreateTempSubdirectory("florence2-nginx-policy-").FullName;
            var replicas = statuses.Select(s => new StandInReplica(LoopbackPorts.Free(), s)).ToList();
            int port = LoopbackPorts.Free();
            string config = NginxConfig.ForReplicas(File.ReadAllText(RepositoryPaths.NginxConfig), replicas.Select(r => r.Port).ToList(), port);
            var cluster = new StandInCluster(work, replicas, NginxProcess.Start(work, config), port);
            await Eventually.UntilAsync(async () =>
            {
                if (cluster.Nginx.HasExited) throw new InvalidOperationException(cluster.Nginx.Tail());
                try
                {
                    using var response = await cluster._http.GetAsync($"http://127.0.0.1:{port}/nginx-health");
                    return (HttpStatusCode?)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            }, s => s == HttpStatusCode.OK, "nginx answering /nginx-health", _ => cluster.Nginx.Tail(), TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(100));
            return cluster;
        }

        /// <summary>POSTs with a body, one after the other (so least_conn ties and spreads them round-robin).</summary>
        public async Task<List<(HttpStatusCode Status, string? RetryAfter)>> PostSequentiallyAsync(int count)
        {
            var answers = new List<(HttpStatusCode, string?)>();
            for (int i = 1; i <= count; i++)
            {
                foreach (var replica in Replicas) replica.CurrentRequest = i;
                using var body = new ByteArrayContent(new byte[2048]);
                using var response = await _http.PostAsync($"http://127.0.0.1:{Port}/v1/caption", body);
                answers.Add((response.StatusCode, response.Headers.RetryAfter?.ToString()));
            }
            return answers;
        }

        public string Log() => Nginx.Tail(80);

        public async ValueTask DisposeAsync()
        {
            Nginx.Dispose();
            foreach (var replica in Replicas) await replica.DisposeAsync();
            _http.Dispose();
            try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A replica stand-in: answers every request with one status (503s carry Retry-After: 1) and counts them.</summary>
    private sealed class StandInReplica : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;
        private readonly List<int> _hitsAtRequest = [];

        public StandInReplica(int port, HttpStatusCode status)
        {
            Port = port;
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _serving = ServeAsync(status);
        }

        public int Port { get; }
        public int CurrentRequest { get; set; }
        public int Hits { get { lock (_hitsAtRequest) return _hitsAtRequest.Count; } }
        public IReadOnlyList<int> HitsAtRequest { get { lock (_hitsAtRequest) return [.. _hitsAtRequest]; } }

        private async Task ServeAsync(HttpStatusCode status)
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync().WaitAsync(_stop.Token); }
                catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException) { return; }
                await context.Request.InputStream.CopyToAsync(Stream.Null);
                lock (_hitsAtRequest) _hitsAtRequest.Add(CurrentRequest);
                context.Response.StatusCode = (int)status;
                if (status == HttpStatusCode.ServiceUnavailable) context.Response.Headers["Retry-After"] = "1";
                byte[] body = "{}"u8.ToArray();
                context.Response.ContentType = "application/json";
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Close();
            try { await _serving; } catch (ObjectDisposedException) { }
            _stop.Dispose();
        }
    }
}
