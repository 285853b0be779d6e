namespace Florence2.Tasks;

/// <summary>Moves the scores of a parse of the span text onto the answer parsed from the decoded text, instance by instance.</summary>
internal static class ScoreTransfer
{
    /// <summary>
    /// <paramref name="answer"/> with the scores of <paramref name="scored"/>'s instances at the same positions. A list
    /// whose length differs (not expected: see the caller) is left unscored rather than scored from the wrong instances.
    /// </summary>
    public static TaskResult Apply(TaskResult answer, TaskResult scored) =>
        answer.WithInstances(
            Zip(answer.Detections, scored.Detections),
            Zip(answer.Lines, scored.Lines),
            Zip(answer.Segments, scored.Segments));

    private static IReadOnlyList<T>? Zip<T>(IReadOnlyList<T>? answer, IReadOnlyList<T>? scored) where T : ScoredInstance =>
        answer is null || scored is null || answer.Count != scored.Count
            ? answer
            : answer.Zip(scored, (a, s) => (T)a.WithScoresOf(s)).ToList();
}
