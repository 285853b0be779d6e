using Microsoft.Extensions.Logging;

namespace Florence2.Provisioning;

/// <summary>The provisioner's log events (source-generated). None of them carries the access token.</summary>
internal static partial class ProvisioningLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information,
        Message = "Model {Repository}@{Revision} ({Dtype}) is complete in the cache at {Folder}")]
    public static partial void CacheComplete(ILogger logger, string repository, string revision, string dtype, string folder);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information,
        Message = "Fetching {Count} file(s) of {Repository}@{Revision} ({Dtype}) into {Folder}")]
    public static partial void FetchingFiles(ILogger logger, int count, string repository, string revision, string dtype, string folder);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information,
        Message = "Downloading {File} from {Url} ({TotalBytes} bytes, starting at byte {Offset})")]
    public static partial void FileStarted(ILogger logger, string file, Uri url, long? totalBytes, long offset);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information,
        Message = "Downloading {File}: {Bytes}/{TotalBytes} bytes ({Percent:F1}%) at {MegabytesPerSecond:F2} MB/s")]
    public static partial void Progress(ILogger logger, string file, long bytes, long totalBytes, double percent, double megabytesPerSecond);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information,
        Message = "Downloading {File}: {Bytes} bytes at {MegabytesPerSecond:F2} MB/s")]
    public static partial void ProgressUnknownSize(ILogger logger, string file, long bytes, double megabytesPerSecond);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information,
        Message = "Downloaded {File}: {Bytes} bytes, sha256 {Sha256} ({Verification})")]
    public static partial void FileDownloaded(ILogger logger, string file, long bytes, string sha256, string verification);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning,
        Message = "Download of {File} broke off at byte {Bytes} ({Reason}); resuming")]
    public static partial void ConnectionBroke(ILogger logger, string file, long bytes, string reason);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning,
        Message = "The server did not resume {File} at byte {Offset} ({Status}); downloading it from the start")]
    public static partial void ResumeRefused(ILogger logger, string file, long offset, int status);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "{File} failed verification ({Problem}); fetching it again")]
    public static partial void VerificationFailed(ILogger logger, string file, string problem);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information,
        Message = "Waiting for another process downloading into {Folder}")]
    public static partial void WaitingForLock(ILogger logger, string folder);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Took over {Folder} from the other process")]
    public static partial void LockAcquiredAfterWait(ILogger logger, string folder);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Cached {File} is unusable ({Problem}); fetching it again")]
    public static partial void CachedFileUnusable(ILogger logger, string file, string problem);

    [LoggerMessage(EventId = 113, Level = LogLevel.Information,
        Message = "Adopted {File}, found in the cache without a manifest entry (sha256 {Sha256})")]
    public static partial void Adopted(ILogger logger, string file, string sha256);

    [LoggerMessage(EventId = 114, Level = LogLevel.Information, Message = "Model {Repository}@{Revision} ({Dtype}) ready in {Folder}")]
    public static partial void ModelReady(ILogger logger, string repository, string revision, string dtype, string folder);
}
