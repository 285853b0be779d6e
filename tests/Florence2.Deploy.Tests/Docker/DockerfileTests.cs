using System.Text.RegularExpressions;

namespace Florence2.Tests.Deploy.Docker;

/// <summary>The Dockerfile builds the service correctly and both runtime images are safe to run.</summary>
public sealed partial class DockerfileTests
{
    private const string File = DeployFiles.Dockerfile;
    private static readonly Lazy<Dockerfile> Parsed = new(() => DockerfileParser.Parse(RepositoryRoot.ReadText(File)));
    private static Dockerfile Docker => Parsed.Value;

    public static TheoryData<string> RuntimeTargets => new() { "cpu", "gpu" };

    [Fact]
    public void Is_multi_stage_with_a_dotnet_10_sdk_build_stage()
    {
        Rule.Holds(Docker.Stages.Count >= 3, File, "is multi-stage (build + cpu + gpu)", $"{Docker.Stages.Count} stage(s)");
        Rule.Holds(Docker.Stages.Any(s => s.BaseImage.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", StringComparison.Ordinal)),
            File, "has a build stage FROM mcr.microsoft.com/dotnet/sdk:10.0");
    }

    [Fact]
    public void Restores_from_project_files_only_before_copying_the_sources()
    {
        var build = BuildStage();
        int restore = IndexOf(build, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        Rule.Holds(restore >= 0, File, "the build stage runs `dotnet restore` as its own layer");
        var copiesBeforeRestore = build.Instructions.Take(restore).Where(i => i.Keyword is "COPY" or "ADD").ToList();
        Rule.Holds(copiesBeforeRestore.Count > 0, File, "project files are copied before `dotnet restore`");
        foreach (var copy in copiesBeforeRestore)
        {
            var sources = CopySources(copy);
            Rule.Holds(sources.All(IsRestoreInput), File,
                "only csproj/props/global.json/NuGet.config are copied before restore (layer caching)", copy.ToString());
        }
        int sourceCopy = IndexOf(build, i => i.Keyword == "COPY" && CopySources(i).Any(s => !IsRestoreInput(s)));
        Rule.Holds(sourceCopy > restore, File, "the sources are copied after `dotnet restore`");
    }

    [Fact]
    public void Copies_every_project_of_the_service_graph_before_restore()
    {
        var build = BuildStage();
        int restore = IndexOf(build, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        var copied = build.Instructions.Take(restore).Where(i => i.Keyword == "COPY")
            .SelectMany(CopySources).Select(s => s.TrimStart('.', '/')).ToHashSet(StringComparer.Ordinal);
        foreach (string project in ProjectReferenceGraph.Closure(DeployFiles.ServiceProject))
        {
            Rule.Holds(copied.Contains(project), File,
                "every project in the service's ProjectReference graph is copied before `dotnet restore`", $"missing {project}");
        }
        foreach (string file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
            Rule.Holds(copied.Contains(file), File, "the central build files are copied before `dotnet restore`", $"missing {file}");
    }

    [Fact]
    public void Publishes_the_service_framework_dependent_for_linux_x64_in_release()
    {
        var publish = Rule.Present(BuildStage().All("RUN").FirstOrDefault(i => i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)),
            File, "the build stage runs `dotnet publish`");
        string run = publish.Arguments;
        Rule.Holds(run.Contains("src/Florence2.Service", StringComparison.Ordinal), File, "publishes src/Florence2.Service", publish.ToString());
        Rule.Holds(LinuxRid().IsMatch(run), File, "publishes with -r linux-x64 (no Windows natives)", publish.ToString());
        Rule.Holds(ReleaseConfiguration().IsMatch(run), File, "publishes with -c Release", publish.ToString());
        Rule.Holds(run.Contains("--self-contained false", StringComparison.Ordinal), File, "publishes framework-dependent (--self-contained false)", publish.ToString());
    }

    [Fact]
    public void Strips_windows_runtime_leftovers_from_the_publish_output()
    {
        Rule.Holds(BuildStage().All("RUN").Any(i => i.Arguments.Contains("rm ", StringComparison.Ordinal)
                && i.Arguments.Contains("runtimes/win-", StringComparison.Ordinal)),
            File, "removes runtimes/win-* from the publish output");
    }

    [Fact]
    public void Has_cpu_and_gpu_targets_with_gpu_the_default()
    {
        Rule.Present(Docker.Stage("cpu"), File, "has a stage named cpu (docker build --target cpu)");
        Rule.Present(Docker.Stage("gpu"), File, "has a stage named gpu (docker build --target gpu)");
        Rule.Holds(Docker.DefaultStage.Name == "gpu", File, "gpu is the last stage, the default target", $"last is {Docker.DefaultStage.DisplayName}");
    }

    [Fact]
    public void Cpu_target_runs_on_the_aspnet_10_image()
    {
        string image = Docker.ResolveBaseImage(Target("cpu"));
        Rule.Holds(image.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", StringComparison.Ordinal), File,
            "the cpu stage builds on mcr.microsoft.com/dotnet/aspnet:10.0", image);
    }

    [Fact]
    public void Gpu_target_runs_on_a_cuda_13_cudnn_9_runtime_image_with_the_aspnet_runtime()
    {
        var gpu = Target("gpu");
        string image = Docker.ResolveBaseImage(gpu);
        Rule.Holds(CudaRuntimeImage().IsMatch(image), File,
            "the gpu stage builds on an nvidia/cuda:13.x.y-cudnn(9)-runtime image (ORT 1.31 needs CUDA 13 + cuDNN 9)", image);
        bool copiesRuntime = Docker.Lineage(gpu).SelectMany(s => s.All("COPY")).Any(c => c.Flags.TryGetValue("from", out string? from)
            && c.ArgumentsAfterFlags.Contains("/usr/share/dotnet", StringComparison.Ordinal)
            && (Docker.Stage(from) is { } stage ? Docker.ResolveBaseImage(stage) : from).StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", StringComparison.Ordinal));
        bool installsRuntime = Docker.Lineage(gpu).SelectMany(s => s.All("RUN")).Any(r => r.Arguments.Contains("aspnetcore-runtime-10.0", StringComparison.Ordinal));
        Rule.Holds(copiesRuntime || installsRuntime, File,
            "the gpu stage gets the ASP.NET Core 10 runtime (COPY --from an aspnet:10.0 stage /usr/share/dotnet, or aspnetcore-runtime-10.0)");
    }

    /// <summary>
    /// The cpu and gpu stages are the same instructions on different bases, so the cpu image that CI builds and runs
    /// (tests/containers/run.sh) exercises everything of the gpu image but its base.
    /// </summary>
    [Fact]
    public void Cpu_and_gpu_targets_share_every_instruction_but_their_base()
    {
        var cpu = Target("cpu");
        var gpu = Target("gpu");
        Rule.Holds(!string.Equals(cpu.BaseImage, gpu.BaseImage, StringComparison.OrdinalIgnoreCase), File,
            "cpu and gpu build on different bases", $"both FROM {cpu.BaseImage}");
        var cpuSteps = cpu.Instructions.Select(i => $"{i.Keyword} {i.Arguments}").ToList();
        var gpuSteps = gpu.Instructions.Select(i => $"{i.Keyword} {i.Arguments}").ToList();
        int differs = Enumerable.Range(0, Math.Max(cpuSteps.Count, gpuSteps.Count))
            .FirstOrDefault(i => cpuSteps.ElementAtOrDefault(i) != gpuSteps.ElementAtOrDefault(i), -1);
        Rule.Holds(differs < 0, File, "the cpu and gpu stages have the same instructions after FROM (differences belong in their base stages)",
            differs < 0 ? "" : $"step {differs + 1}: cpu '{cpuSteps.ElementAtOrDefault(differs)}' vs gpu '{gpuSteps.ElementAtOrDefault(differs)}'");
    }

    [Fact]
    public void Cpu_image_carries_no_cuda_provider_and_gpu_image_does()
    {
        bool Carries(string target) => Docker.Lineage(Target(target)).SelectMany(s => s.All("COPY"))
            .Any(c => c.Flags.ContainsKey("from") && c.ArgumentsAfterFlags.Contains("/app-cuda", StringComparison.Ordinal));
        Rule.Holds(BuildStage().All("RUN").Any(r => r.Arguments.Contains("libonnxruntime_providers_cuda.so /app-cuda/", StringComparison.Ordinal)),
            File, "the build stage sets the CUDA provider library apart in /app-cuda (out of the shared /app)");
        Rule.Holds(!Carries("cpu"), File, "the cpu image does not copy /app-cuda (a ~280 MB library it never loads)");
        Rule.Holds(Carries("gpu"), File, "the gpu image copies the CUDA provider from /app-cuda");
    }

    [Theory]
    [MemberData(nameof(RuntimeTargets))]
    public void Runtime_target_runs_as_a_numeric_non_root_user(string target)
    {
        var user = Rule.Present(LastInLineage(target, "USER"), File, $"stage {target} sets USER");
        string uid = user.Arguments.Split(':')[0].Trim();
        Rule.Holds(int.TryParse(uid, out int id), File, $"stage {target}: USER is numeric (runAsNonRoot can only verify a numeric UID)", user.ToString());
        Rule.Holds(id != 0, File, $"stage {target}: USER is not root (0)", user.ToString());
    }

    [Theory]
    [MemberData(nameof(RuntimeTargets))]
    public void Runtime_target_listens_on_8080(string target)
    {
        var environment = EnvironmentOf(target);
        Rule.Holds(environment.TryGetValue("ASPNETCORE_URLS", out string? urls) && urls == "http://+:8080", File,
            $"stage {target}: ENV ASPNETCORE_URLS=http://+:8080", urls ?? "not set");
        Rule.Holds(Docker.Lineage(Target(target)).SelectMany(s => s.All("EXPOSE")).Any(e => e.Arguments.Split(' ').Contains("8080") || e.Arguments.Split(' ').Contains("8080/tcp")),
            File, $"stage {target}: EXPOSE 8080");
    }

    [Theory]
    [MemberData(nameof(RuntimeTargets))]
    public void Runtime_target_health_checks_liveness_with_a_tool_the_image_has(string target)
    {
        var check = Rule.Present(LastInLineage(target, "HEALTHCHECK"), File, $"stage {target} has a HEALTHCHECK");
        Rule.Holds(check.Arguments.Contains(ServiceFacts.LivePath, StringComparison.Ordinal), File,
            $"stage {target}: HEALTHCHECK probes {ServiceFacts.LivePath}", check.ToString());
        string command = check.ArgumentsAfterFlags;
        Rule.Holds(command.StartsWith("CMD", StringComparison.Ordinal), File, $"stage {target}: HEALTHCHECK runs a CMD", check.ToString());
        string executable = FirstWord(command[3..]);
        bool builtIn = executable is "bash" or "sh" or "/bin/bash" or "/bin/sh" or "dotnet";
        bool installed = Docker.Lineage(Target(target)).SelectMany(s => s.All("RUN"))
            .Any(r => r.Arguments.Contains("install", StringComparison.Ordinal) && r.Arguments.Contains(" " + executable, StringComparison.Ordinal));
        Rule.Holds(builtIn || installed, File,
            $"stage {target}: the HEALTHCHECK executable exists in the image (curl/wget are not in the base images unless installed)", executable);
    }

    [Theory]
    [MemberData(nameof(RuntimeTargets))]
    public void Runtime_target_keeps_the_model_cache_on_a_volume(string target)
    {
        var volumes = Docker.Lineage(Target(target)).SelectMany(s => s.All("VOLUME")).Select(v => v.Arguments).ToList();
        Rule.Holds(volumes.Any(v => v.Contains(ServiceFacts.ModelCacheDir, StringComparison.Ordinal)), File,
            $"stage {target}: VOLUME {ServiceFacts.ModelCacheDir}");
        Rule.Holds(EnvironmentOf(target).GetValueOrDefault(ServiceFacts.CacheDirVariable) == ServiceFacts.ModelCacheDir, File,
            $"stage {target}: ENV {ServiceFacts.CacheDirVariable}={ServiceFacts.ModelCacheDir} (the volume)");
    }

    [Theory]
    [MemberData(nameof(RuntimeTargets))]
    public void Runtime_target_writes_scratch_files_to_tmp_only(string target)
    {
        var environment = EnvironmentOf(target);
        Rule.Holds(environment.GetValueOrDefault("TMPDIR") == "/tmp", File, $"stage {target}: ENV TMPDIR=/tmp (read-only root filesystem)");
        Rule.Holds(environment.GetValueOrDefault("ASPNETCORE_TEMP") == "/tmp", File, $"stage {target}: ENV ASPNETCORE_TEMP=/tmp (multipart buffering)");
    }

    [Theory]
    [MemberData(nameof(RuntimeTargets))]
    public void Runtime_target_starts_the_service_assembly(string target)
    {
        var entry = Rule.Present(LastInLineage(target, "ENTRYPOINT") ?? LastInLineage(target, "CMD"), File, $"stage {target} has an ENTRYPOINT");
        Rule.Holds(entry.Arguments.Contains(ServiceFacts.EntryAssembly, StringComparison.Ordinal), File,
            $"stage {target}: the entry point runs {ServiceFacts.EntryAssembly}", entry.ToString());
    }

    [Fact]
    public void Bakes_no_secrets_into_ENV_or_ARG()
    {
        foreach (var instruction in Docker.AllInstructions.Where(i => i.Keyword is "ENV" or "ARG"))
        {
            foreach (var (name, value) in DockerfileWords.Assignments(instruction.Arguments))
            {
                Rule.Holds(!(SecretLikeName.Matches(name) && value.Length > 0), File,
                    "no ENV/ARG with a secret-like name (KEY, TOKEN, SECRET, PASSWORD) has a value", instruction.ToString());
            }
        }
    }

    [Fact]
    public void Dockerignore_keeps_build_outputs_and_secrets_out_of_the_context()
    {
        var patterns = RepositoryRoot.ReadText(DeployFiles.DockerIgnore).Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
        foreach (string required in new[] { "**/bin/", "**/obj/", ".git/", ".env", "*.onnx" })
            Rule.Holds(patterns.Contains(required), DeployFiles.DockerIgnore, "excludes build outputs, .git, local secrets and models", $"missing {required}");
    }

    private static DockerfileStage BuildStage() =>
        Rule.Present(Docker.Stages.FirstOrDefault(s => s.BaseImage.StartsWith("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal)),
            File, "has an SDK build stage");

    private static DockerfileStage Target(string name) => Rule.Present(Docker.Stage(name), File, $"has a stage named {name}");

    private static DockerfileInstruction? LastInLineage(string target, string keyword) =>
        Docker.Lineage(Target(target)).Select(s => s.Last(keyword)).FirstOrDefault(i => i is not null);

    private static Dictionary<string, string> EnvironmentOf(string target)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stage in Docker.Lineage(Target(target)).Reverse())
        {
            foreach (var (name, value) in stage.Environment)
                merged[name] = value;
        }
        return merged;
    }

    private static int IndexOf(DockerfileStage stage, Func<DockerfileInstruction, bool> predicate)
    {
        for (int i = 0; i < stage.Instructions.Count; i++)
        {
            if (predicate(stage.Instructions[i]))
                return i;
        }
        return -1;
    }

    /// <summary>The source paths of a COPY/ADD (every word after the flags but the destination).</summary>
    private static IReadOnlyList<string> CopySources(DockerfileInstruction copy)
    {
        var words = DockerfileWords.Split(copy.ArgumentsAfterFlags);
        return words.Count < 2 ? [] : words.Take(words.Count - 1).ToList();
    }

    private static bool IsRestoreInput(string path)
    {
        string name = Path.GetFileName(path.TrimEnd('/'));
        return name.EndsWith(".csproj", StringComparison.Ordinal) || name.EndsWith(".props", StringComparison.Ordinal)
            || name.EndsWith(".targets", StringComparison.Ordinal) || name == "global.json"
            || name.Equals("NuGet.config", StringComparison.OrdinalIgnoreCase);
    }

    private static string FirstWord(string execOrShellForm)
    {
        string text = execOrShellForm.Trim();
        if (text.StartsWith('['))
        {
            var array = System.Text.Json.JsonSerializer.Deserialize<string[]>(text) ?? [];
            return array.Length > 0 ? array[0] : "";
        }
        return DockerfileWords.Split(text).FirstOrDefault() ?? "";
    }

    [GeneratedRegex(@"(-r|--runtime)[ =]linux-x64\b")]
    private static partial Regex LinuxRid();

    [GeneratedRegex(@"(-c|--configuration)[ =]Release\b")]
    private static partial Regex ReleaseConfiguration();

    [GeneratedRegex(@"^(nvcr\.io/)?nvidia/cuda:13\.\d+(\.\d+)?-cudnn9?-runtime-ubuntu\d{2}\.\d{2}$")]
    private static partial Regex CudaRuntimeImage();
}
