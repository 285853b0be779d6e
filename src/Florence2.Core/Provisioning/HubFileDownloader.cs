using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Florence2.Provisioning;

/// <summary>
/// Downloads one file from the hub into <c>{target}.partial</c> and verifies it; moving it into place is the caller's
/// step (it records the manifest first). A partial left by an earlier run is resumed with <c>Range</c>; a connection that
/// breaks mid-body is resumed at once as long as each attempt makes progress. Bytes that fail verification (size, or
/// sha256 where the hub publishes one) are deleted and fetched once more before giving up.
/// </summary>
internal sealed class HubFileDownloader(HubRequestSender sender, ModelSourceOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>Resumes after broken connections within one download; each must have made progress.</summary>
    private const int MaxResumes = 5;

    private const int BufferSize = 1 << 16;

    public static string PartialPathOf(string targetPath) => targetPath + ".partial";

    /// <summary>Leaves a verified <c>{target}.partial</c> and returns its manifest entry.</summary>
    /// <exception cref="HubUnreachableException">No usable answer from the hub; the partial is kept for a later resume.</exception>
    /// <exception cref="ModelDownloadException">Access denied, no such file, or bytes that failed verification twice.</exception>
    public async Task<ManifestEntry> DownloadAsync(string relativePath, string targetPath, CancellationToken cancellationToken)
    {
        var url = HubFileUrl.For(options, relativePath);
        string partial = PartialPathOf(targetPath);
        Directory.CreateDirectory(Path.GetDirectoryName(targetPath)!);
        for (int attempt = 1; ; attempt++)
        {
            var fetched = await FetchAsync(relativePath, url, partial, cancellationToken).ConfigureAwait(false);
            string? problem = fetched.IntegrityProblem();
            if (problem is null)
            {
                ProvisioningLog.FileDownloaded(logger, relativePath, fetched.Bytes, fetched.ActualSha256,
                    fetched.ExpectedSha256 is null ? "hub publishes no sha256 for it; size checked" : "sha256 matches the hub's");
                return new ManifestEntry(fetched.Bytes, fetched.ActualSha256, fetched.ExpectedSha256 is not null,
                    File.GetLastWriteTimeUtc(partial));
            }
            File.Delete(partial);
            if (attempt == 2)
                throw new ModelDownloadException(
                    $"'{relativePath}' from {url} failed verification twice ({problem}); the hub or a proxy between it and " +
                    "this machine is serving damaged data. Nothing was kept; try again later or fetch the file by hand.",
                    relativePath, url);
            ProvisioningLog.VerificationFailed(logger, relativePath, problem);
        }
    }

    private async Task<FetchedFile> FetchAsync(string relativePath, Uri url, string partial, CancellationToken cancellationToken)
    {
        int resumes = 0;
        bool discardedAfter416 = false;
        while (true)
        {
            long offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
            // A stall timer rather than a total timeout: it restarts with every read, so only silence fails a request.
            using var stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
            stall.CancelAfter(options.DownloadTimeout);

            using var response = await SendAsync(url, offset, linked.Token, cancellationToken).ConfigureAwait(false);
            var message = response.Message;
            long? total;
            if (message.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && offset > 0 && !discardedAfter416)
            {
                // The partial is as long as the file or longer (it changed upstream): start over.
                discardedAfter416 = true;
                ProvisioningLog.ResumeRefused(logger, relativePath, offset, (int)message.StatusCode);
                File.Delete(partial);
                continue;
            }
            ThrowOnErrorStatus(message, relativePath, url);
            if (message.StatusCode == HttpStatusCode.PartialContent)
            {
                var range = message.Content.Headers.ContentRange;
                if (range?.From != offset)
                {
                    ProvisioningLog.ResumeRefused(logger, relativePath, offset, (int)message.StatusCode);
                    File.Delete(partial);
                    continue;
                }
                total = range.Length;
            }
            else
            {
                // 200 to a Range request: the server ignored it and sends the whole file.
                if (offset > 0) ProvisioningLog.ResumeRefused(logger, relativePath, offset, (int)message.StatusCode);
                offset = 0;
                total = message.Content.Headers.ContentLength;
            }

            ProvisioningLog.FileStarted(logger, relativePath, url, total, offset);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            if (offset > 0) await HashExistingAsync(hash, partial, cancellationToken).ConfigureAwait(false);
            var body = await CopyBodyAsync(message, partial, offset, total, hash, stall, linked.Token, relativePath, cancellationToken)
                .ConfigureAwait(false);

            bool brokeOff = body.Interruption is not null || (total is { } expected && body.Bytes < expected);
            if (!brokeOff)
                return new FetchedFile(body.Bytes, total, Convert.ToHexStringLower(hash.GetHashAndReset()), response.Sha256);

            string reason = body.Interruption?.Message ?? "the server closed the response early";
            if (body.Bytes == offset || ++resumes > MaxResumes)
                throw new HubUnreachableException($"the download of {url} kept breaking off at byte {body.Bytes} ({reason})", body.Interruption);
            ProvisioningLog.ConnectionBroke(logger, relativePath, body.Bytes, reason);
        }
    }

    private async Task<HubResponse> SendAsync(Uri url, long offset, CancellationToken linkedToken, CancellationToken callerToken)
    {
        try
        {
            return await sender.GetAsync(url, offset, linkedToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new HubUnreachableException($"the hub at {options.HubBaseUri} could not be reached ({ex.Message})", ex);
        }
        catch (OperationCanceledException ex) when (!callerToken.IsCancellationRequested)
        {
            throw new HubUnreachableException(
                $"the hub at {options.HubBaseUri} did not answer within {options.DownloadTimeoutSeconds} s", ex);
        }
    }

    /// <summary>
    /// Appends the body to the partial. A failed read ends the copy and is reported, not thrown: what arrived is kept
    /// for the resume. A failed write (disk full) does throw — that is no network problem.
    /// </summary>
    private async Task<BodyCopy> CopyBodyAsync(HttpResponseMessage message, string partial, long offset, long? total,
        IncrementalHash hash, CancellationTokenSource stall, CancellationToken linkedToken, string relativePath, CancellationToken callerToken)
    {
        var progress = new DownloadProgress(logger, time, options.ProgressInterval, relativePath, total, offset);
        long written = offset;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var file = new FileStream(partial, offset > 0 ? FileMode.Append : FileMode.Create,
                FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            await using var body = await message.Content.ReadAsStreamAsync(linkedToken).ConfigureAwait(false);
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), linkedToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException
                                           || (ex is OperationCanceledException && !callerToken.IsCancellationRequested))
                {
                    return new BodyCopy(written, ex);
                }
                if (read == 0) return new BodyCopy(written, null);
                stall.CancelAfter(options.DownloadTimeout);
                await file.WriteAsync(buffer.AsMemory(0, read), callerToken).ConfigureAwait(false);
                hash.AppendData(buffer, 0, read);
                written += read;
                progress.Report(written);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task HashExistingAsync(IncrementalHash hash, string partial, CancellationToken cancellationToken)
    {
        await using var existing = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await existing.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                hash.AppendData(buffer, 0, read);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void ThrowOnErrorStatus(HttpResponseMessage message, string relativePath, Uri url)
    {
        var status = message.StatusCode;
        if (status is HttpStatusCode.OK or HttpStatusCode.PartialContent) return;
        int code = (int)status;
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            string advice = string.IsNullOrEmpty(options.Token)
                ? $"the repository may be gated or private (or may not exist): set {ModelSourceOptions.SectionName}:Token " +
                  "(env Florence2__Model__Token) to a Hugging Face access token that can read it, and accept its terms on the hub if it is gated"
                : $"the configured token ({ModelSourceOptions.SectionName}:Token) was refused: check that it is valid, can read " +
                  $"'{options.Repository}', and that the repository's terms were accepted with its account";
            throw new ModelDownloadException($"The hub refused '{relativePath}' of '{options.Repository}' with {code} {message.ReasonPhrase}: {advice}. URL: {url}",
                relativePath, url, status);
        }
        if (status == HttpStatusCode.NotFound)
            throw new ModelDownloadException(
                $"The hub has no '{relativePath}' in '{options.Repository}' at revision '{options.Revision}' (404 for {url}). " +
                $"Check {ModelSourceOptions.SectionName}:Repository, :Revision and :Dtype ('{options.Dtype}' needs this file).",
                relativePath, url, status);
        if (code is 429 or >= 500)
            throw new HubUnreachableException($"the hub answered {code} {message.ReasonPhrase} for {url}");
        string what = code is >= 300 and < 400 ? "too many redirects or a redirect without a location" : "an unexpected status";
        throw new ModelDownloadException($"The hub answered {code} {message.ReasonPhrase} for '{relativePath}' ({what}). URL: {url}",
            relativePath, url, status);
    }

    private sealed record BodyCopy(long Bytes, Exception? Interruption);

    private sealed record FetchedFile(long Bytes, long? ExpectedBytes, string ActualSha256, string? ExpectedSha256)
    {
        public string? IntegrityProblem()
        {
            if (ExpectedBytes is { } expected && Bytes != expected) return $"{Bytes} bytes received, {expected} expected";
            if (ExpectedSha256 is not null && !string.Equals(ActualSha256, ExpectedSha256, StringComparison.OrdinalIgnoreCase))
                return $"sha256 {ActualSha256}, the hub says {ExpectedSha256}";
            return null;
        }
    }
}
