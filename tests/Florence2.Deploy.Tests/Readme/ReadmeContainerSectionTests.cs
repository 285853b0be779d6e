using System.Globalization;
using System.Text.RegularExpressions;
using Florence2.Tests.Deploy.Compose;
using Florence2.Tests.Deploy.Docker;
using Florence2.Tests.Deploy.Yaml;

namespace Florence2.Tests.Deploy.Readme;

/// <summary>
/// README's "Run it in containers" names only targets, profiles, services, variables and numbers the deploy files have
/// (tests/containers/run.sh runs the same commands against a real engine; these rules catch a file changed alone).
/// </summary>
public sealed partial class ReadmeContainerSectionTests
{
    private const string File = "README.md";
    private static readonly Lazy<string> SectionText = new(() => RepositoryRoot.MarkdownSection(File, "Run it in containers"));

    private static string Section => SectionText.Value;

    [Fact]
    public void Build_targets_are_stages_of_the_Dockerfile()
    {
        var dockerfile = DockerfileParser.Parse(RepositoryRoot.ReadText(DeployFiles.Dockerfile));
        var targets = Target().Matches(Section).Select(m => m.Groups[1].Value).ToList();
        Rule.Holds(targets.Count > 0, File, "the container section builds an image with --target");
        foreach (string target in targets)
            Rule.Present(dockerfile.Stage(target), File, $"--target {target} is a stage of {DeployFiles.Dockerfile}");
    }

    [Fact]
    public void Profiles_and_scaled_services_exist_in_the_compose_file()
    {
        var compose = ComposeFile.Instance;
        var profiles = compose.Services.Values.SelectMany(s => s.Child("profiles").Strings()).ToHashSet(StringComparer.Ordinal);
        foreach (string profile in new[] { "gpu", "cpu" })
            Rule.Holds(Section.Contains($"--profile {profile}", StringComparison.Ordinal), File, $"the container section shows the {profile} profile");
        foreach (Match match in Profile().Matches(Section))
            Rule.Holds(profiles.Contains(match.Groups[1].Value), File, $"--profile {match.Groups[1].Value} is a profile of {DeployFiles.Compose}");
        foreach (Match match in Scale().Matches(Section))
            compose.Service(match.Groups[1].Value);
        foreach (Match match in ServiceName().Matches(Section))
            compose.Service(match.Groups[0].Value);
    }

    [Fact]
    public void Compose_variables_are_in_the_env_example()
    {
        string example = RepositoryRoot.ReadText(DeployFiles.ComposeEnvExample);
        string compose = RepositoryRoot.ReadText(DeployFiles.Compose);
        foreach (string variable in ComposeVariable().Matches(Section).Select(m => m.Value).Distinct())
        {
            Rule.Holds(example.Contains($"\n{variable}=", StringComparison.Ordinal), File, $"{variable} is in {DeployFiles.ComposeEnvExample}");
            Rule.Holds(compose.Contains("${" + variable, StringComparison.Ordinal), File, $"{variable} is read by {DeployFiles.Compose}");
        }
    }

    [Fact]
    public void The_single_container_runs_read_only_and_stops_within_the_compose_grace_period()
    {
        var run = Rule.Present(DockerRun().Match(Section) is { Success: true } m ? m.Value : null, File, "shows a `docker run` of the image");
        Rule.Holds(run.Contains("--read-only", StringComparison.Ordinal) && run.Contains("--tmpfs /tmp", StringComparison.Ordinal), File,
            "the docker run command is read-only with a /tmp tmpfs", run);
        Rule.Holds(run.Contains("127.0.0.1:", StringComparison.Ordinal), File, "the docker run command publishes on loopback", run);
        var stop = Rule.Present(DockerStop().Match(Section) is { Success: true } s ? s : null, File, "shows `docker stop --time N`");
        var grace = ComposeDuration.Parse(ComposeFile.Instance.Service("florence2-cpu").ScalarAt("stop_grace_period"));
        Rule.Holds(grace?.TotalSeconds == double.Parse(stop.Groups[1].Value, CultureInfo.InvariantCulture), File,
            "docker stop --time is the compose stop_grace_period", $"{stop.Value} vs {grace}");
    }

    [Fact]
    public void The_time_a_failed_replica_is_left_out_is_nginx_fail_timeout()
    {
        var said = Rule.Present(LeftOut().Match(Section) is { Success: true } m ? m : null, File, "says how long a failed replica is left out (\"left out for N s\")");
        var configured = FailTimeout().Match(RepositoryRoot.ReadText(DeployFiles.NginxConfig));
        Rule.Holds(configured.Success && configured.Groups[1].Value == said.Groups[1].Value, File,
            $"\"left out for {said.Groups[1].Value} s\" matches {DeployFiles.NginxConfig}'s fail_timeout", configured.Value);
    }

    [GeneratedRegex(@"--target\s+([\w-]+)")]
    private static partial Regex Target();

    [GeneratedRegex(@"--profile\s+([\w-]+)")]
    private static partial Regex Profile();

    [GeneratedRegex(@"--scale\s+([\w-]+)=\d+")]
    private static partial Regex Scale();

    [GeneratedRegex(@"\bflorence2-(cpu|gpu)\b(?!:)")]
    private static partial Regex ServiceName();

    [GeneratedRegex(@"\bFLORENCE2_[A-Z_]+\b")]
    private static partial Regex ComposeVariable();

    [GeneratedRegex(@"docker run (?:[^\n]*\\\n)*[^\n]*")]
    private static partial Regex DockerRun();

    [GeneratedRegex(@"docker stop --time (\d+)")]
    private static partial Regex DockerStop();

    [GeneratedRegex(@"left out for (\d+) s")]
    private static partial Regex LeftOut();

    [GeneratedRegex(@"max_fails=[1-9]\d*\s+fail_timeout=(\d+)s")]
    private static partial Regex FailTimeout();
}
