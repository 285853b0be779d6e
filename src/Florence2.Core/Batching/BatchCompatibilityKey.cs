using Florence2.Generation;

namespace Florence2.Batching;

/// <summary>
/// The generation settings that must match for requests to share a batch: they shape the decoder's search for the
/// whole batch. <see cref="GenerationSettings.MaxNewTokens"/> is left out because requests leave a batch independently.
/// </summary>
public readonly record struct BatchCompatibilityKey(
    int NumBeams, bool EarlyStopping, int NoRepeatNgramSize, double LengthPenalty, bool IgnoreEos)
{
    /// <summary>The key of requests decoded with <paramref name="settings"/>.</summary>
    public static BatchCompatibilityKey For(GenerationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new(settings.NumBeams, settings.EarlyStopping, settings.NoRepeatNgramSize, settings.LengthPenalty, settings.IgnoreEos);
    }
}
