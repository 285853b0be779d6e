using System.Text.Json.Nodes;
using Florence2.Tests;

namespace Florence2.Cluster.Tests;

/// <summary>
/// The <c>florence2</c> tool as a user runs it: help exits 0; an unknown command or option is an error line plus
/// usage, exit 2; request values are refused with the service's own limits and words; output is the API's snake_case.
/// </summary>
public sealed class CliTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("run", "--help")]
    [InlineData("analyze", "--help")]
    [InlineData("fixture", "-h")]
    [InlineData("profile", "--help")]
    public async Task Help_prints_usage_and_exits_0(params string[] args)
    {
        var (exit, output) = await RunAsync(args);

        Assert.True(exit == 0, output);
        Assert.Contains("usage:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("error", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error: no command given")]
    [InlineData("error: unknown command 'frobnicate'", "frobnicate")]
    [InlineData("error: unknown option --max_new_tokens (did you mean --max-new-tokens?)", "run", "--model", "m", "--image", "i", "--max_new_tokens", "5")]
    [InlineData("error: --provider must be one of auto, cpu, cuda; got 'tpu'", "run", "--model", "m", "--image", "i", "--provider", "tpu")]
    [InlineData("error: option --text needs a value", "run", "--text")]
    [InlineData("error: --dtype: Unknown dtype 'fp99'", "run", "--model", "m", "--image", "i", "--dtype", "fp99")]
    [InlineData("error: --min-score must be a number; got 'high'", "run", "--model", "m", "--image", "i", "--min-score", "high")]
    [InlineData("error: --logprobs must be true or false; got 'yes'", "run", "--model", "m", "--image", "i", "--logprobs", "yes")]
    [InlineData("error: unknown variant 'q3' (all, or some of fp16, q8, int8, uint8, q4, q4f16, bnb4)", "fixture", "tiny", "--out", "o", "--variants", "q4,q3")]
    public async Task A_wrong_command_line_is_an_error_line_plus_usage_and_exit_2(string error, params string[] args)
    {
        var (exit, output) = await RunAsync(args);

        Assert.True(exit == 2, $"exit {exit}: {output}");
        Assert.Contains(error, output, StringComparison.Ordinal);
        Assert.Contains("usage:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'num_beams' must be between 1 and 8; got 0.", "--beams", "0")]
    [InlineData("'max_new_tokens' must be between 1 and 1024; got 5000.", "--max-new-tokens", "5000")]
    [InlineData("Task 'caption' takes no region.", "--task", "caption", "--region", "1,2,3,4")]
    [InlineData("'text' is blank; give the phrase or caption the task should use.", "--task", "phrase_grounding", "--text", "  ")]
    [InlineData("'min_score' must be between 0 and 1; got 1.5.", "--min-score", "1.5")]
    public async Task Request_values_are_refused_with_the_services_limits_and_words(string message, params string[] options)
    {
        var (exit, output) = await RunAsync(["run", "--model", TestModels.Tiny, "--image", Gradient(), .. options]);

        Assert.True(exit == 2, $"exit {exit}: {output}");
        Assert.Contains("error: " + message, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_prints_the_answer_as_snake_case_json_like_the_api()
    {
        var (exit, output) = await RunAsync(["run", "--model", TestModels.Tiny, "--image", Gradient(), "--task", "od", "--beams", "1", "--max-new-tokens", "6"]);

        Assert.True(exit == 0, output);
        var answer = JsonNode.Parse(output)!.AsObject();
        Assert.Equal("<OD>", (string?)answer["task"]);
        Assert.Equal(96, (int?)answer["image"]!["width"]);
        Assert.NotNull(answer["result"]!["detections"]);
        Assert.NotNull(answer["hf"]!["<OD>"]);
        Assert.NotNull(answer["timings"]!["decoder_steps"]);
        Assert.Equal("fp32", (string?)answer["model"]!["dtype"]);
        Assert.DoesNotMatch("\"[A-Z][a-zA-Z]+\":", output);   // no PascalCase keys
    }

    [Fact]
    public async Task Run_prints_the_sequence_score_and_with_logprobs_every_token()
    {
        var (exit, output) = await RunAsync(["run", "--model", TestModels.Tiny, "--image", Gradient(), "--task", "caption", "--beams", "1",
            "--max-new-tokens", "6", "--logprobs", "true", "--min-score", "0.5"]);

        Assert.True(exit == 0, output);
        var answer = JsonNode.Parse(output)!.AsObject();
        var tokens = answer["tokens"]!.AsArray();
        Assert.Equal((int)answer["timings"]!["decoder_steps"]!, tokens.Count);
        Assert.Equal("<s>", (string?)tokens[0]!["text"]);
        Assert.All(tokens, t => Assert.True((double)t!["logprob"]! <= 0));
        // Greedy: the sequence score is the mean token log-probability.
        Assert.Equal(tokens.Average(t => (double)t!["logprob"]!), (double)answer["sequence_score"]!, 1e-5);
    }

    [Fact]
    public async Task Analyze_prints_every_tasks_answer_in_order_from_one_vision_pass()
    {
        var (exit, output) = await RunAsync(["analyze", "--model", TestModels.Tiny, "--image", Gradient(), "--tasks", "od,caption,phrase_grounding",
            "--text", "a green car", "--beams", "1", "--max-new-tokens", "6"]);

        Assert.True(exit == 0, output);
        var answer = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(1, (int)answer["vision_passes"]!);
        Assert.Equal(96, (int?)answer["image"]!["width"]);
        var results = answer["results"]!.AsArray();
        Assert.Equal(["<OD>", "<CAPTION>", "<CAPTION_TO_PHRASE_GROUNDING>"], results.Select(r => (string?)r!["task"]));
        Assert.Contains("a green car", (string?)results[2]!["prompt"], StringComparison.Ordinal);
        Assert.All(results, r => Assert.Equal(3, (int)r!["timings"]!["batch_size"]!));
    }

    private static async Task<(int Exit, string Output)> RunAsync(string[] args)
    {
        using var cli = new ChildProcess("florence2", "dotnet", [RepositoryPaths.CliDll, .. args]);
        Assert.True(await cli.WaitForExitAsync(Eventually.DefaultLimit), cli.Tail());
        return (cli.ExitCode, string.Join('\n', cli.Output));
    }

    private static string Gradient()
    {
        string path = Path.Combine(Path.GetTempPath(), "florence2-cli-gradient.png");
        if (!File.Exists(path)) File.WriteAllBytes(path, TestImages.Png(96, 72));
        return path;
    }
}
