namespace Florence2.Service.Tests.Hardening.Corpus;

/// <summary>
/// One hostile request and what the service must answer: the status (a set only where the outcome legitimately
/// depends on the decoder, documented in <paramref name="Why"/>), and for problems the field at fault.
/// </summary>
/// <param name="Name">Short unique name, shown as the theory case.</param>
/// <param name="Build">Makes a fresh request each time (a request message can be sent once).</param>
/// <param name="Statuses">The accepted statuses; 200 only where documented.</param>
/// <param name="Field">The problem's <c>field</c> extension, or null when the problem names none.</param>
/// <param name="Why">What the input is and why the service answers as it does.</param>
/// <param name="DetailContains">
/// For refusals that must happen before any expensive work (bombs): text of the problem detail that only the header
/// check writes (the declared size), so the test proves where the refusal happened without timing it.
/// </param>
/// <param name="ApiKey">The X-Api-Key to send; null sends the fixture's valid key.</param>
/// <param name="Counted">
/// Whether florence2_requests_total counts it. False only where routing answers before the handler runs (the
/// endpoints' Accepts metadata turns a foreign content type into 415 during endpoint selection).
/// </param>
public sealed record HostileCase(
    string Name,
    Func<HttpRequestMessage> Build,
    int[] Statuses,
    string? Field,
    string Why,
    string? DetailContains = null,
    string? ApiKey = null,
    bool Counted = true)
{
    public override string ToString() => Name;
}
