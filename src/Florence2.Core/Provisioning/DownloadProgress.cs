using Microsoft.Extensions.Logging;

namespace Florence2.Provisioning;

/// <summary>
/// Logs one file's download progress — bytes, percent, rate since the last line — at most once per interval, so a
/// multi-gigabyte download shows it is alive without flooding the log.
/// </summary>
internal sealed class DownloadProgress
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly string _file;
    private readonly long? _totalBytes;
    private long _lastLoggedBytes;
    private long _lastLoggedTimestamp;

    // startingBytes: bytes already on disk (a resumed download); the rate counts only new bytes.
    public DownloadProgress(ILogger logger, TimeProvider time, TimeSpan interval, string file, long? totalBytes, long startingBytes)
    {
        _logger = logger;
        _time = time;
        _interval = interval;
        _file = file;
        _totalBytes = totalBytes;
        _lastLoggedBytes = startingBytes;
        _lastLoggedTimestamp = time.GetTimestamp();
    }

    /// <summary>Called after every write with the file's length so far; logs when an interval has passed since the last line.</summary>
    public void Report(long bytesSoFar)
    {
        long now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_lastLoggedTimestamp, now);
        if (elapsed < _interval) return;

        double megabytesPerSecond = (bytesSoFar - _lastLoggedBytes) / 1_000_000d / elapsed.TotalSeconds;
        if (_totalBytes is > 0 and var total)
            ProvisioningLog.Progress(_logger, _file, bytesSoFar, total, 100d * bytesSoFar / total, megabytesPerSecond);
        else
            ProvisioningLog.ProgressUnknownSize(_logger, _file, bytesSoFar, megabytesPerSecond);
        _lastLoggedBytes = bytesSoFar;
        _lastLoggedTimestamp = now;
    }
}
