namespace Florence2.Generation;

/// <summary>Argument checks shared by the search constructors and <see cref="SequenceSearch.Create"/>.</summary>
internal static class SearchArguments
{
    public static void Validate(GenerationSettings settings, SpecialTokenIds ids, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.NumBeams, 1, nameof(settings) + "." + nameof(settings.NumBeams));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.NoRepeatNgramSize, nameof(settings) + "." + nameof(settings.NoRepeatNgramSize));
        // The start token plus at least one generated token.
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
    }

    public static void ValidateStep(ReadOnlySpan<float> logits, int rowCount, int vocabSize, Span<int> parents, int nextRows)
    {
        // Beam search takes the top 2K of K·V candidates, so a vocabulary of one token could not fill them.
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 2);
        if (logits.Length != (long)rowCount * vocabSize)
            throw new ArgumentException($"Expected {rowCount} × {vocabSize} logits, got {logits.Length}.", nameof(logits));
        if (parents.Length < nextRows)
            throw new ArgumentException($"Parents needs room for {nextRows} rows, has {parents.Length}.", nameof(parents));
    }
}
