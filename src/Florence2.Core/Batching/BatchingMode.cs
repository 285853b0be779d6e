namespace Florence2.Batching;

/// <summary>How a running batch treats requests that arrive while it decodes.</summary>
public enum BatchingMode
{
    /// <summary>
    /// Iteration-level scheduling (Orca, TGI, vLLM): compatible queued requests join a running batch between decoder
    /// steps and every request leaves as it finishes; the batch size counts decoder rows (beams). Needs a merged decoder
    /// the engine could rewrite at load for per-row positions (spec §17); other models fall back to <see cref="Cohort"/>.
    /// </summary>
    Continuous,

    /// <summary>A formed batch is closed: requests that arrive while it runs wait for the next one.</summary>
    Cohort,
}
