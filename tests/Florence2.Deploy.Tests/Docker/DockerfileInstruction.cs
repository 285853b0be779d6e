namespace Florence2.Tests.Deploy.Docker;

/// <summary>One Dockerfile instruction after joining continuation lines: its keyword (upper case), the rest, and where it starts.</summary>
internal sealed record DockerfileInstruction(string Keyword, string Arguments, int Line)
{
    /// <summary>Leading <c>--name=value</c> / <c>--name</c> flags (COPY --from, HEALTHCHECK --interval, FROM --platform).</summary>
    public IReadOnlyDictionary<string, string> Flags => DockerfileWords.LeadingFlags(Arguments).Flags;

    /// <summary>The arguments after the leading flags.</summary>
    public string ArgumentsAfterFlags => DockerfileWords.LeadingFlags(Arguments).Remainder;

    public override string ToString() => $"line {Line}: {Keyword} {Arguments}";
}
