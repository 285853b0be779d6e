namespace Florence2.Tasks;

/// <summary>The request field <c>min_score</c>: instances less confident than a threshold are left out of the typed answer.</summary>
public static class ScoreFilter
{
    /// <summary>
    /// <paramref name="result"/> without the detections, lines and segments whose <c>Score</c> is below
    /// <paramref name="minScore"/>; instances without a score (text-only parses) are kept, and a text answer is unchanged.
    /// </summary>
    public static TaskResult AtLeast(TaskResult result, double minScore)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.WithInstances(
            Keep(result.Detections, d => d.Score, minScore),
            Keep(result.Lines, l => l.Score, minScore),
            Keep(result.Segments, s => s.Score, minScore));
    }

    private static IReadOnlyList<T>? Keep<T>(IReadOnlyList<T>? items, Func<T, double?> score, double minScore) =>
        items?.Where(item => score(item) is not { } value || value >= minScore).ToList();
}
