namespace Florence2.Batching;

/// <summary>
/// Dynamic batching and queue policy, named after Triton's <c>dynamic_batching</c> knobs so operators recognise them.
/// Bound from the configuration section <see cref="SectionName"/>.
/// </summary>
public sealed class BatchingOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Florence2:Batching";

    /// <summary>
    /// Largest batch handed to one model instance. Default 8; 1 to 256 (1 disables batching). In
    /// <see cref="BatchingMode.Continuous"/> mode it counts decoder rows, a request holding one row per beam.
    /// </summary>
    public int MaxBatchSize { get; set; } = 8;

    /// <summary>
    /// <c>continuous</c> (default: requests join a running batch between decoder steps, where the model allows it,
    /// else cohort) or <c>cohort</c> (a formed batch runs closed).
    /// </summary>
    public BatchingMode Mode { get; set; } = BatchingMode.Continuous;

    /// <summary>
    /// In <see cref="BatchingMode.Continuous"/> mode: when a running request would finish sooner than a joiner's
    /// prefill (vision, encoder, first decoder step) takes, it finishes before requests join — shortest remaining work
    /// first; joiners are held back at most one prefill's time. Default true; false = join at the first step boundary.
    /// </summary>
    public bool FinishFirst { get; set; } = true;

    /// <summary>
    /// How long the oldest request of a forming batch waits for compatible company, counted from its arrival.
    /// A full batch leaves at once. Default 5 ms; 0 to 10000 (0 = take what is queued right now).
    /// </summary>
    public int MaxQueueDelayMs { get; set; } = 5;

    /// <summary>Requests that may wait in the queue; one more is refused at once. Default 256; at least 1.</summary>
    public int MaxQueueSize { get; set; } = 256;

    /// <summary>
    /// Queue deadline: a request still queued after this long is answered with a timeout and never runs (a running
    /// request is not interrupted). A caller may ask for a shorter deadline, never a longer one.
    /// Default 60000 ms; 0 = no queue deadline.
    /// </summary>
    public int DefaultTimeoutMs { get; set; } = 60_000;

    internal TimeSpan MaxQueueDelay => TimeSpan.FromMilliseconds(MaxQueueDelayMs);

    /// <summary>The default queue deadline, or null when there is none.</summary>
    internal TimeSpan? DefaultTimeout => DefaultTimeoutMs == 0 ? null : TimeSpan.FromMilliseconds(DefaultTimeoutMs);

    /// <summary>Returns one message per invalid setting; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxBatchSize is < 1 or > 256)
            errors.Add($"{nameof(MaxBatchSize)} must be between 1 and 256 (was {MaxBatchSize}).");
        if (MaxQueueDelayMs is < 0 or > 10_000)
            errors.Add($"{nameof(MaxQueueDelayMs)} must be between 0 and 10000 (was {MaxQueueDelayMs}).");
        if (MaxQueueSize < 1)
            errors.Add($"{nameof(MaxQueueSize)} must be at least 1 (was {MaxQueueSize}).");
        if (!Enum.IsDefined(Mode))
            errors.Add($"{nameof(Mode)} must be continuous or cohort (was {Mode}).");
        if (DefaultTimeoutMs < 0)
            errors.Add($"{nameof(DefaultTimeoutMs)} must be 0 (no deadline) or positive (was {DefaultTimeoutMs}).");
        return errors;
    }
}
