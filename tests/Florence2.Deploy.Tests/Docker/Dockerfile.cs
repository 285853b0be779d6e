namespace Florence2.Tests.Deploy.Docker;

/// <summary>A parsed Dockerfile: instructions before the first FROM (global ARGs) and its stages.</summary>
internal sealed record Dockerfile(IReadOnlyList<DockerfileInstruction> Preamble, IReadOnlyList<DockerfileStage> Stages)
{
    public DockerfileStage? Stage(string name) =>
        Stages.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The stage `docker build` without --target produces.</summary>
    public DockerfileStage DefaultStage => Stages[^1];

    /// <summary>The external image a stage finally builds on, following <c>FROM other-stage</c> links.</summary>
    public string ResolveBaseImage(DockerfileStage stage)
    {
        var current = stage;
        for (int hops = 0; hops <= Stages.Count; hops++)
        {
            var parent = Stages.Take(current.Index).LastOrDefault(s =>
                string.Equals(s.Name, current.BaseImage, StringComparison.OrdinalIgnoreCase));
            if (parent is null)
                return current.BaseImage;
            current = parent;
        }
        throw new InvalidOperationException($"FROM cycle at stage {stage.DisplayName}.");
    }

    /// <summary>This stage and the stages it builds on, nearest first.</summary>
    public IEnumerable<DockerfileStage> Lineage(DockerfileStage stage)
    {
        for (DockerfileStage? current = stage; current is not null;)
        {
            yield return current;
            var currentStage = current;
            current = Stages.Take(currentStage.Index).LastOrDefault(s =>
                string.Equals(s.Name, currentStage.BaseImage, StringComparison.OrdinalIgnoreCase));
        }
    }

    public IEnumerable<DockerfileInstruction> AllInstructions => Preamble.Concat(Stages.SelectMany(s => s.Instructions));
}
