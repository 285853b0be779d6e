using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Florence2.Tests.Provisioning;

/// <summary>
/// A Hugging Face hub stand-in on 127.0.0.1: serves files under <c>/{repo}/resolve/{revision}/{path}</c>; for .onnx
/// files it answers 302 with the sha256 in <c>X-Linked-Etag</c> and redirects to a "CDN" — a second listener on another
/// port, so it is another origin — which sends an MD5-looking ETag, like S3. Small files come straight from the hub with
/// a git-blob-sha1 ETag. Both honour <c>Range: bytes=N-</c>. Each connection carries one request (Connection: close).
/// Knobs make it misbehave; every request is recorded.
/// </summary>
internal sealed class FakeHub : IAsyncDisposable
{
    private readonly TcpListener _hub = new(IPAddress.Loopback, 0);
    private readonly TcpListener _cdn = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _cutAfter = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _stallAfter = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _hangBeforeHeaders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _corruptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _statusOverrides = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly List<Task> _loops = [];
    private readonly string _cdnUrl;

    public FakeHub(string repository, string revision)
    {
        Repository = repository;
        Revision = revision;
        _hub.Start();
        _cdn.Start();
        // Read the ports now: a stopped listener reports port 0, and offline tests must aim at the closed port.
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_hub.LocalEndpoint).Port}";
        _cdnUrl = $"http://127.0.0.1:{((IPEndPoint)_cdn.LocalEndpoint).Port}";
        _loops.Add(AcceptLoop(_hub, isCdn: false));
        _loops.Add(AcceptLoop(_cdn, isCdn: true));
    }

    public string Repository { get; }

    public string Revision { get; }

    public string BaseUrl { get; }

    /// <summary>When set, hub requests without <c>Authorization: Bearer {RequiredToken}</c> get 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>When set, Range headers are ignored and every file is sent whole with 200.</summary>
    public bool IgnoreRange { get; set; }

    public IReadOnlyCollection<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Serves every file of <paramref name="folder"/> at its relative path.</summary>
    public static FakeHub Serving(string folder, string repository = "test-org/florence-tiny", string revision = "main")
    {
        var hub = new FakeHub(repository, revision);
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            hub.Add(Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes(file));
        return hub;
    }

    public void Add(string path, byte[] content) => _files[path] = content;

    public byte[] ContentOf(string path) => _files[path];

    public IEnumerable<string> Paths => _files.Keys;

    /// <summary>The next body of <paramref name="path"/> stops after <paramref name="bytes"/> bytes (connection closed).</summary>
    public void CutNextResponseAfter(string path, long bytes) => _cutAfter[path] = bytes;

    /// <summary>The next body of <paramref name="path"/> goes silent after <paramref name="bytes"/> bytes, connection open.</summary>
    public void StallNextResponseAfter(string path, long bytes) => _stallAfter[path] = bytes;

    /// <summary>The next hub request for <paramref name="path"/> is read but never answered.</summary>
    public void HangNextRequest(string path) => _hangBeforeHeaders[path] = true;

    /// <summary>The next <paramref name="times"/> bodies of <paramref name="path"/> have flipped bytes (same length).</summary>
    public void Corrupt(string path, int times = 1) => _corruptions[path] = times;

    /// <summary>Hub requests for <paramref name="path"/> are answered with <paramref name="status"/> and no body.</summary>
    public void RespondWith(string path, int status) => _statusOverrides[path] = status;

    /// <summary>Requests that delivered (part of) a file's body: the transfers of that file.</summary>
    public IReadOnlyList<RecordedRequest> TransfersOf(string path) =>
        _requests.Where(r => r.Path == path && r.BodyBytes > 0).ToList();

    public int TotalTransfers => _requests.Count(r => r.BodyBytes > 0);

    /// <summary>Closes both ports: later connections are refused, like an unreachable hub.</summary>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        _hub.Stop();
        _cdn.Stop();
        await Task.WhenAll(_loops);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    public static string Sha256Of(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private async Task AcceptLoop(TcpListener listener, bool isCdn)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client, isCdn));
        }
    }

    private async Task ServeAsync(TcpClient client, bool isCdn)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream);
                if (request is null) return;
                await RespondAsync(stream, request.Value.Target, request.Value.Headers, isCdn);
                await stream.FlushAsync();
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The client went away, or the hub stopped while a knob kept this response hanging (e.g. it dropped a response it did not need); nothing to do.
            }
        }
    }

    // Each request is recorded before its response is written, so a client that has its answer always finds it recorded.
    private async Task RespondAsync(NetworkStream stream, string target, Dictionary<string, string> headers, bool isCdn)
    {
        headers.TryGetValue("range", out string? range);
        headers.TryGetValue("authorization", out string? authorization);
        string? path = isCdn ? CdnPath(target) : HubPath(target);
        var record = new RecordedRequest(isCdn, path ?? target, range, authorization);

        if (path is null || !_files.TryGetValue(path, out byte[]? content))
        {
            _requests.Enqueue(record with { Status = 404 });
            await WriteHeadAsync(stream, 404, "Not Found", [], 0);
            return;
        }
        if (!isCdn && RequiredToken is not null && authorization != $"Bearer {RequiredToken}")
        {
            _requests.Enqueue(record with { Status = 401 });
            await WriteHeadAsync(stream, 401, "Unauthorized", [], 0);
            return;
        }
        if (!isCdn && _hangBeforeHeaders.TryRemove(path, out _))
        {
            _requests.Enqueue(record with { Status = 0 });
            await Task.Delay(Timeout.Infinite, _stop.Token);
        }
        if (!isCdn && _statusOverrides.TryGetValue(path, out int status))
        {
            _requests.Enqueue(record with { Status = status });
            await WriteHeadAsync(stream, status, "Overridden", [], 0);
            return;
        }
        if (!isCdn && path.EndsWith(".onnx", StringComparison.Ordinal))
        {
            string sha256 = Sha256Of(content);
            _requests.Enqueue(record with { Status = 302 });
            await WriteHeadAsync(stream, 302, "Found",
            [
                ("Location", $"{_cdnUrl}/cdn/{Uri.EscapeDataString(path)}"),
                ("X-Linked-Etag", $"\"{sha256}\""),
                ("X-Linked-Size", content.Length.ToString()),
                ("ETag", $"\"{sha256}\""),
            ], 0);
            return;
        }
        string etag = isCdn
            ? Convert.ToHexStringLower(MD5.HashData(content)) // an S3-style ETag: no sha256
            : Convert.ToHexStringLower(SHA1.HashData(content)); // a git blob sha1: no sha256
        await WriteBodyAsync(stream, record, content, etag);
    }

    /// <summary>Answers 200, 206 or 416 with (part of) the file, applying the cut and corruption knobs.</summary>
    private async Task WriteBodyAsync(NetworkStream stream, RecordedRequest record, byte[] content, string etag)
    {
        long start = 0;
        if (record.Range is { } range && !IgnoreRange)
        {
            start = long.Parse(range["bytes=".Length..].TrimEnd('-'));
            if (start >= content.Length)
            {
                _requests.Enqueue(record with { Status = 416 });
                await WriteHeadAsync(stream, 416, "Range Not Satisfiable", [("Content-Range", $"bytes */{content.Length}")], 0);
                return;
            }
        }
        byte[] body = content[(int)start..];
        if (TakeOnce(_corruptions, record.Path))
        {
            body = (byte[])body.Clone();
            for (int i = 0; i < body.Length; i += 997) body[i] ^= 0x5A;
        }
        int length = body.Length;
        if (_cutAfter.TryRemove(record.Path, out long cut)) length = (int)Math.Min(cut, length);
        bool stall = _stallAfter.TryRemove(record.Path, out long stallAt);
        if (stall) length = (int)Math.Min(stallAt, length);
        int status = start > 0 ? 206 : 200;
        _requests.Enqueue(record with { Status = status, BodyBytes = length });

        List<(string, string)> extra = [("ETag", $"\"{etag}\"")];
        if (start > 0) extra.Add(("Content-Range", $"bytes {start}-{content.Length - 1}/{content.Length}"));
        await WriteHeadAsync(stream, status, start > 0 ? "Partial Content" : "OK", extra, body.Length);
        await stream.WriteAsync(body.AsMemory(0, length));
        if (stall)
        {
            await stream.FlushAsync();
            await Task.Delay(Timeout.Infinite, _stop.Token);
        }
    }

    private static bool TakeOnce(ConcurrentDictionary<string, int> counters, string path)
    {
        while (counters.TryGetValue(path, out int left) && left > 0)
        {
            if (counters.TryUpdate(path, left - 1, left)) return true;
        }
        return false;
    }

    private static async Task WriteHeadAsync(NetworkStream stream, int status, string reason, IEnumerable<(string Name, string Value)> headers, long contentLength)
    {
        var head = new StringBuilder().Append("HTTP/1.1 ").Append(status).Append(' ').Append(reason).Append("\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("Content-Length: ").Append(contentLength).Append("\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
    }

    /// <summary>Maps <c>/{owner}/{name}/resolve/{revision}/{path}</c> to <c>path</c> when repository and revision match.</summary>
    private string? HubPath(string target)
    {
        string prefix = $"/{Repository}/resolve/{Uri.EscapeDataString(Revision)}/";
        return target.StartsWith(prefix, StringComparison.Ordinal) ? Uri.UnescapeDataString(target[prefix.Length..]) : null;
    }

    private static string? CdnPath(string target) =>
        target.StartsWith("/cdn/", StringComparison.Ordinal) ? Uri.UnescapeDataString(target["/cdn/".Length..]) : null;

    private static async Task<(string Target, Dictionary<string, string> Headers)?> ReadRequestAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var buffer = new byte[1];
        while (bytes.Count < 4 || !(bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            if (await stream.ReadAsync(buffer) == 0) return null;
            bytes.Add(buffer[0]);
        }
        string[] lines = Encoding.ASCII.GetString(bytes.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        string target = lines[0].Split(' ')[1];
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }
        return (target, headers);
    }
}

/// <summary>One request the fake hub answered.</summary>
/// <param name="Cdn">True when it reached the CDN listener rather than the hub.</param>
/// <param name="Path">The file's path in the repository (or the raw target when it named no file).</param>
internal sealed record RecordedRequest(bool Cdn, string Path, string? Range, string? Authorization)
{
    public int Status { get; init; }

    public long BodyBytes { get; init; }
}
