namespace Florence2.Inference;

/// <summary>
/// Hands a running batch the requests that may join it now (continuous batching): called between decoder steps with
/// the decoder rows the batch's live requests hold (a request holds one row per beam); returns the requests that fit
/// beside them, at once and without waiting, or none. They join the batch in the order returned, their indexes
/// following the batch's last one.
/// </summary>
public delegate IReadOnlyList<EngineRequest> JoinerSource(int rowsInUse);
