namespace Florence2.Serving;

/// <summary>
/// What one request may ask for. The service binds them from <c>Florence2:Limits</c>; the CLI uses the defaults, so
/// both refuse the same inputs with the same words.
/// </summary>
public sealed record RequestLimits
{
    /// <summary>Characters of <c>text</c>. Default 2000 (the encoder's position table is the real limit).</summary>
    public int MaxTextLength { get; init; } = 2000;

    /// <summary>Highest <c>num_beams</c>. Default 8.</summary>
    public int MaxNumBeams { get; init; } = 8;

    /// <summary>Highest <c>max_new_tokens</c>. Default 1024.</summary>
    public int MaxNewTokens { get; init; } = 1024;
}
