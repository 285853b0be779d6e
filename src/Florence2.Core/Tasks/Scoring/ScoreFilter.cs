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
            Keep(result.Detections, minScore),
            Keep(result.Lines, minScore),
            Keep(result.Segments, minScore));
    }

    private static IReadOnlyList<T>? Keep<T>(IReadOnlyList<T>? items, double minScore) where T : ScoredInstance =>
        items?.Where(item => item.Score is not { } value || value >= minScore).ToList();
}
