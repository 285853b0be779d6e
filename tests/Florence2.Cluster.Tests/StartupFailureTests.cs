using Florence2.Tests;

namespace Florence2.Cluster.Tests;

/// <summary>
/// The real service process started with a configuration it can't serve: it must say why in one line naming the file
/// or key, exit with code 1, and print no stack trace and no "Unhandled exception" (exit 134) — what an operator
/// reading `docker logs` or `kubectl logs` needs.
/// </summary>
public sealed class StartupFailureTests
{
    public static TheoryData<string, string[], string> Failures() => new()
    {
        { "a folder without the ONNX files", ["Florence2__Model__Path=" + ConfigOnlyFolder()], "vision_encoder.onnx" },
        { "fp16 on a folder without fp16 files", ["Florence2__Model__Path=" + TestModels.Tiny, "Florence2__Model__Dtype=fp16"], "vision_encoder_fp16.onnx" },
        { "a batch size of 0", ["Florence2__Model__Path=" + TestModels.Tiny, "Florence2__Batching__MaxBatchSize=0"], "Florence2:Batching:MaxBatchSize" },
        { "an unknown dtype", ["Florence2__Model__Path=" + TestModels.Tiny, "Florence2__Model__Dtype=fp99"], "Florence2:Model:Dtype" },
        { "an unknown provider", ["Florence2__Model__Path=" + TestModels.Tiny, "Florence2__Inference__Provider=tpu"], "Florence2:Inference" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_start_that_cannot_serve_exits_1_with_one_line_and_no_stack_trace(string because, string[] settings, string named)
    {
        var environment = settings.Select(s => s.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        environment["Florence2__Service__WarmUp"] = "false";
        using var service = new ChildProcess("service", "dotnet", [RepositoryPaths.ServiceDll, "--urls", "http://127.0.0.1:0"], environment);

        Assert.True(await service.WaitForExitAsync(Eventually.DefaultLimit), $"{because}: the service kept running\n{service.Tail()}");

        string output = string.Join('\n', service.Output);
        Assert.True(service.ExitCode == 1, $"{because}: exit code {service.ExitCode}\n{output}");
        var problems = service.Output.Where(line => line.Contains(" FTL]", StringComparison.Ordinal) || line.Contains(" ERR]", StringComparison.Ordinal)).ToList();
        Assert.True(problems.Count == 1, $"{because}: expected one error line, got {problems.Count}\n{output}");
        Assert.Contains(named, problems[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", output, StringComparison.Ordinal);
    }

    /// <summary>A folder with the real tokenizer and config files but no onnx/ folder.</summary>
    private static string ConfigOnlyFolder()
    {
        string folder = Directory.CreateTempSubdirectory("florence2-no-onnx-").FullName;
        foreach (string file in Directory.EnumerateFiles(TestModels.Tiny)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }
}
