using Microsoft.Extensions.Logging;

namespace Florence2.Batching;

/// <summary>Answers requests that left the queue without running: deadline passed, or cancelled while waiting.</summary>
internal sealed class AbandonedRequests(TimeProvider time, BatcherMetrics? metrics, ILogger logger)
{
    /// <summary>Answers a request found cancelled or expired at batch formation.</summary>
    public void Settle(IEnumerable<PendingRequest> requests)
    {
        foreach (var request in requests)
        {
            if (request.Cancellation.IsCancellationRequested) Cancelled(request);
            else TimedOut(request);
        }
    }

    public void TimedOut(PendingRequest request)
    {
        var timeout = request.QueueTimeout ?? time.GetElapsedTime(request.AdmittedTimestamp);
        metrics?.RecordRejection(RejectionReason.Timeout);
        logger.QueueTimeout(timeout.TotalMilliseconds);
        request.TryFail(new QueueTimeoutException(timeout));
        Release(request);
    }

    public void Cancelled(PendingRequest request)
    {
        metrics?.RecordRejection(RejectionReason.Cancelled);
        request.TryCancel();
        Release(request);
    }

    private static void Release(PendingRequest request)
    {
        // Never reached an engine, so nothing else will release it.
        if (request.TryReleaseFromEngine()) request.Dispose();
    }
}
