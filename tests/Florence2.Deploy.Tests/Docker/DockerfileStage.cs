namespace Florence2.Tests.Deploy.Docker;

/// <summary>A build stage: <c>FROM base [AS name]</c> and the instructions up to the next FROM.</summary>
internal sealed record DockerfileStage(string BaseImage, string? Name, int Index, IReadOnlyList<DockerfileInstruction> Instructions)
{
    public string DisplayName => Name ?? $"#{Index}";

    public IEnumerable<DockerfileInstruction> All(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword);

    public DockerfileInstruction? Last(string keyword) => All(keyword).LastOrDefault();

    /// <summary>ENV variables set in this stage (later assignments win).</summary>
    public IReadOnlyDictionary<string, string> Environment
    {
        get
        {
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var env in All("ENV"))
            {
                foreach (var (name, value) in DockerfileWords.Assignments(env.Arguments))
                    variables[name] = value;
            }
            return variables;
        }
    }
}
