using Florence2.Inference;

namespace Florence2.Batching;

/// <summary>
/// Shortest remaining work first, at the one moment continuous batching chooses anything: whether requests join now.
/// A joining group's prefill holds every live row up for as long as it takes, so when a live request would finish
/// sooner than one joiner's prefill lasts (<see cref="JoinMoment.StepsToSoonestFinish"/> × <see cref="JoinMoment.StepMs"/>
/// &lt; <see cref="JoinMoment.PrefillMsPerRequest"/>) it is let finish first: it is spared the whole prefill, and the
/// joiners wait less than that. Bounded: once joining has been held back for one prefill's time, the batch takes
/// joiners again at every step until some join or no live request is that close to finishing. One per running batch.
/// </summary>
internal sealed class JoinDeferral(TimeProvider time)
{
    /// <summary>When joining was first held back in the current stretch; null when it is not being held back.</summary>
    private long? _heldSince;

    /// <summary>True when the batch should take no joiners at <paramref name="moment"/>.</summary>
    public bool HoldBack(JoinMoment moment)
    {
        if (!FinishesBeforeAPrefill(moment))
        {
            _heldSince = null;
            return false;
        }
        _heldSince ??= time.GetTimestamp();
        return time.GetElapsedTime(_heldSince.Value).TotalMilliseconds < moment.PrefillMsPerRequest;
    }

    /// <summary>Requests joined: a later hold-back starts a stretch of its own.</summary>
    public void Joined() => _heldSince = null;

    /// <summary>A live request will finish sooner than one joiner's prefill would last (false while either is unknown).</summary>
    private static bool FinishesBeforeAPrefill(JoinMoment moment) =>
        moment.RowsInUse > 0 && moment.StepsToSoonestFinish > 0 && moment.StepMs > 0 && moment.PrefillMsPerRequest > 0
        && moment.StepsToSoonestFinish * moment.StepMs < moment.PrefillMsPerRequest;
}
