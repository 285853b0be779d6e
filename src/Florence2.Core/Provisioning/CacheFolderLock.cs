using Microsoft.Extensions.Logging;

namespace Florence2.Provisioning;

/// <summary>
/// An exclusive lock on a model folder (<c>{folder}/.lock</c>) held for a whole download, so replicas sharing a cache
/// volume — or two provisioners in one process — never write the same files at once. It is a <see cref="FileStream"/>
/// opened with <see cref="FileShare.None"/> (flock on Unix, a share lock on Windows): the OS releases it when the holder
/// dies, so a crashed replica never leaves the folder locked. The file itself is left in place on release; deleting it
/// would let a third process lock a fresh file while a second still holds the old one.
/// </summary>
internal sealed class CacheFolderLock : IDisposable
{
    public const string FileName = ".lock";

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(2);

    private readonly FileStream _stream;

    private CacheFolderLock(FileStream stream) => _stream = stream;

    /// <summary>Waits (retrying with backoff) until the lock is free, logging once that another process holds it.</summary>
    public static async Task<CacheFolderLock> AcquireAsync(string folder, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, FileName);
        var delay = FirstRetryDelay;
        bool waitLogged = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryOpen(path) is { } stream)
            {
                if (waitLogged) ProvisioningLog.LockAcquiredAfterWait(logger, folder);
                return new CacheFolderLock(stream);
            }
            if (!waitLogged)
            {
                ProvisioningLog.WaitingForLock(logger, folder);
                waitLogged = true;
            }
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
        }
    }

    public void Dispose() => _stream.Dispose();

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex is not DirectoryNotFoundException and not PathTooLongException)
        {
            // Sharing violation: someone else holds it. (Missing folders and permissions surface as other exceptions.)
            return null;
        }
    }
}
