namespace Florence2.Inference;

/// <summary>
/// Hands a running batch the requests that may join it now (continuous batching): called between decoder steps with
/// what the batch is doing (<see cref="JoinMoment"/>); returns the requests that fit beside its live ones, at once and
/// without waiting, or none. They join the batch in the order returned, their indexes following the batch's last one.
/// </summary>
public delegate IReadOnlyList<EngineRequest> JoinerSource(JoinMoment moment);

/// <summary>What a running batch reports when it asks for joiners, between two decoder steps: facts, no policy.</summary>
/// <param name="RowsInUse">Decoder rows its live requests hold (a request holds one per beam).</param>
/// <param name="StepsToSoonestFinish">
/// Decoder steps left before the live request nearest its token budget has used it up (it may finish sooner, at
/// EOS); 0 when no request is live.
/// </param>
/// <param name="StepMs">How long the batch's last decoder step took; 0 before its first.</param>
/// <param name="PrefillMsPerRequest">
/// The batch's last prefill (vision, encoder and first decoder step of the requests that entered together) over the
/// requests it admitted: what each joiner would hold the live rows up for; 0 before any.
/// </param>
public readonly record struct JoinMoment(int RowsInUse, int StepsToSoonestFinish, double StepMs, double PrefillMsPerRequest)
{
    /// <summary>A moment with no timings known: only the rows in use count.</summary>
    public static JoinMoment Rows(int rowsInUse) => new(rowsInUse, 0, 0, 0);
}
