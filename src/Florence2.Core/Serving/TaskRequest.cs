using Florence2.Tasks;

namespace Florence2.Serving;

/// <summary>What a caller (the REST API, the CLI) asks of one image, before validation.</summary>
/// <param name="Task">The task to run (already resolved from its name).</param>
/// <param name="Text">Text input for text tasks; null when none was given.</param>
/// <param name="Region">Region input for region tasks, as <c>x1,y1,x2,y2</c> pixels or four <c>&lt;loc_N&gt;</c> tokens.</param>
/// <param name="NumBeams">Beams (1 = greedy); null takes the model's generation default, capped by the limits.</param>
/// <param name="MaxNewTokens">Token budget; null takes the limit.</param>
public sealed record TaskRequest(Florence2Task Task, string? Text = null, string? Region = null, int? NumBeams = null, int? MaxNewTokens = null)
{
    /// <summary>Confidence threshold, 0–1: instances whose score is below it are left out of the typed result (not of the raw text or the HF dictionary); null keeps all.</summary>
    public double? MinScore { get; init; }

    /// <summary>True to return every generated token with its text and log-probability.</summary>
    public bool Logprobs { get; init; }
}
