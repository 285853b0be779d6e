namespace Florence2.Tests.Deploy.Docker;

/// <summary>The small Dockerfile parser the rules rely on.</summary>
public sealed class DockerfileParserTests
{
    [Fact]
    public void Joins_continuation_lines_and_skips_comments_inside_them()
    {
        var file = DockerfileParser.Parse("""
            # header comment
            FROM base:1 AS build
            RUN a \
             # a comment inside the continuation
             && b \

             && c
            """);
        var run = Assert.Single(file.Stages[0].All("RUN"));
        Assert.Equal("a && b && c", string.Join(' ', run.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(3, run.Line);
    }

    [Fact]
    public void Splits_stages_and_resolves_base_images_through_stage_names()
    {
        var file = DockerfileParser.Parse("""
            ARG TAG=1
            FROM --platform=linux/amd64 mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
            FROM runtime as cpu
            USER 10001
            FROM nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04
            """);
        Assert.Single(file.Preamble);
        Assert.Equal(["runtime", "cpu", null], file.Stages.Select(s => s.Name));
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", file.ResolveBaseImage(file.Stage("cpu")!));
        Assert.Equal("nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04", file.ResolveBaseImage(file.DefaultStage));
    }

    [Fact]
    public void Reads_env_assignments_in_both_forms()
    {
        var file = DockerfileParser.Parse("""
            FROM x
            ENV A=1 \
                B="two words" C=
            ENV LEGACY value with spaces
            """);
        var environment = file.Stages[0].Environment;
        Assert.Equal("1", environment["A"]);
        Assert.Equal("two words", environment["B"]);
        Assert.Equal("", environment["C"]);
        Assert.Equal("value with spaces", environment["LEGACY"]);
    }

    [Fact]
    public void Reads_flags_of_copy_and_healthcheck()
    {
        var file = DockerfileParser.Parse("""
            FROM x
            COPY --from=build --chown=0:0 /app ./
            HEALTHCHECK --interval=15s CMD ["bash", "-c", "true"]
            """);
        var copy = file.Stages[0].All("COPY").Single();
        Assert.Equal("build", copy.Flags["from"]);
        Assert.Equal("/app ./", copy.ArgumentsAfterFlags);
        Assert.StartsWith("CMD", file.Stages[0].All("HEALTHCHECK").Single().ArgumentsAfterFlags, StringComparison.Ordinal);
    }

    [Fact]
    public void Honours_the_escape_directive()
    {
        var file = DockerfileParser.Parse("# escape=`\nFROM x\nRUN a `\n  b\n");
        Assert.Equal("a    b", file.Stages[0].All("RUN").Single().Arguments);
    }
}
