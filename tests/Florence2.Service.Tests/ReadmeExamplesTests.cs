using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Service.Tests.SwaggerUi;
using Florence2.Tests;
using Xunit.Abstractions;

namespace Florence2.Service.Tests;

/// <summary>
/// The README's API section is what a new user copies first. Its bash blocks run here as written, with bash and curl,
/// in a folder holding the <c>car.jpg</c> and <c>cover.png</c> they name, against the service on a loopback port; only
/// the address changes. Every curl call must be answered 200, so a field, task or route renamed in the service (or
/// mistyped in the README) fails here. The model is scripted, so each answer is quick whatever the example asks. The
/// sample response must also match a real answer field for field.
/// </summary>
public sealed partial class ReadmeExamplesTests(ITestOutputHelper output)
{
    private const string Readme = "README.md";
    private const string DocumentedAddress = "http://localhost:8080";

    /// <summary>A detection answer, usable by every task's parser; EOS ends it whatever the budget.</summary>
    private const string Script = "<s>car<loc_53><loc_333><loc_933><loc_774>";

    /// <summary>
    /// Replaces curl for the examples: each call also writes its arguments and its HTTP status (000 when no answer
    /// came) to files of its own, and its body to out.N unless the example names a file itself.
    /// </summary>
    private const string Prelude = """
        calls=0
        curl() {
          calls=$((calls + 1))
          printf '%s\n' "$*" > "call.$calls"
          local target=(-o "out.$calls")
          for argument in "$@"; do [[ $argument == -o ]] && target=(); done
          command curl "$@" "${target[@]}" -w '%{http_code}' > "status.$calls" 2> "error.$calls"
        }

        """;

    [Fact]
    public async Task Every_curl_example_of_the_api_section_is_answered_200()
    {
        var blocks = ApiSectionBashBlocks();
        int expectedCalls = blocks.Sum(block => CurlCall().Matches(block).Count);
        Assert.True(expectedCalls >= 10, $"the API section shows {expectedCalls} curl calls; the test reads it wrongly");

        var (found, _) = await RunBashAsync("command -v curl", Path.GetTempPath());
        Assert.True(found == 0, "The README examples need curl on the PATH (apt-get install curl; .ci/run installs it).");

        await using var service = await LoopbackService.StartAsync(Settings.Of(), Script);
        var folder = Directory.CreateTempSubdirectory("florence2-readme-");
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "car.jpg"), TestImages.Jpeg(640, 480));
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "cover.png"), TestImages.Png(320, 400, seed: 2));
            string address = service.Address.ToString().TrimEnd('/');
            string script = Prelude + string.Join("\n\n", blocks).Replace(DocumentedAddress, address, StringComparison.Ordinal);

            var (exitCode, stderr) = await RunBashAsync(script, folder.FullName);
            Assert.True(exitCode == 0, $"bash exited {exitCode}: {stderr}");

            var failures = new List<string>();
            for (int call = 1; call <= expectedCalls; call++)
            {
                string Read(string name) => File.Exists(Path.Combine(folder.FullName, $"{name}.{call}"))
                    ? File.ReadAllText(Path.Combine(folder.FullName, $"{name}.{call}")) : "";
                string arguments = Shorten(Read("call").Trim()), status = Read("status").Trim();
                output.WriteLine($"{status} curl {arguments}");
                if (status != "200")
                    failures.Add($"curl {arguments}\n  → {(status.Length == 0 ? "never ran" : status)} {Read("error").Trim()} {Tail(Read("out"))}");
            }
            Assert.True(failures.Count == 0, $"{failures.Count} of {expectedCalls} README examples failed:\n" + string.Join("\n", failures));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The README's sample answer (after "A response (one image):") has exactly the fields of a real answer to its
    /// first example, at every level, and the same geometry, <c>hf</c> and <c>raw</c>: the scripted model answers the
    /// sample's tokens. Timings, scores and the model differ by nature and are compared by name only.
    /// </summary>
    [Fact]
    public async Task The_sample_answer_has_the_fields_and_geometry_of_a_real_answer()
    {
        string section = ApiSection();
        const string Lead = "A response (one image):";
        int lead = section.IndexOf(Lead, StringComparison.Ordinal);
        Assert.True(lead >= 0, $"{Readme}'s API section has \"{Lead}\"");
        var sample = JsonNode.Parse(JsonBlock().Match(section, lead).Groups[1].Value)!.AsObject();

        await using var factory = ServiceFactory.Scripted(Script);
        using var client = await factory.CreateReadyClientAsync();
        using var response = await client.PostAsync("/v1/detect", TaskRequests.Multipart(TestImages.Jpeg(640, 480), contentType: "image/jpeg"));
        var answer = await response.ReadObjectAsync();

        Assert.Equal(FieldPaths(answer), FieldPaths(sample));
        foreach (string path in new[] { "task", "image", "hf", "raw" })
            Assert.True(JsonNode.DeepEquals(answer[path], sample[path]), $"{path}: README {sample[path]?.ToJsonString()}, answer {answer[path]?.ToJsonString()}");
        var detection = sample["result"]!["detections"]![0]!;
        var answered = answer["result"]!["detections"]![0]!;
        Assert.True(JsonNode.DeepEquals(answered["box"], detection["box"]) && JsonNode.DeepEquals(answered["label"], detection["label"]),
            $"README {detection.ToJsonString()}, answer {answered.ToJsonString()}");
    }

    /// <summary>Every field's path (array items as <c>[]</c>), sorted.</summary>
    private static List<string> FieldPaths(JsonNode node)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(JsonNode? current, string path)
        {
            switch (current)
            {
                case JsonObject obj:
                    foreach (var (name, value) in obj)
                    {
                        paths.Add(path + "/" + name);
                        Walk(value, path + "/" + name);
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array) Walk(item, path + "[]");
                    break;
            }
        }
        Walk(node, "");
        return [.. paths];
    }

    private static string ApiSection() => RepositoryRoot.MarkdownSection(Readme, "API");

    /// <summary>The bash blocks between "## API" and the next second-level heading.</summary>
    private static List<string> ApiSectionBashBlocks() =>
        [.. BashBlock().Matches(ApiSection()).Select(m => m.Groups[1].Value).Where(block => CurlCall().IsMatch(block))];

    private static async Task<(int ExitCode, string Stderr)> RunBashAsync(string script, string folder)
    {
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // The service is on loopback: a proxy set for the machine must not be asked for it.
            Environment = { ["KEY"] = "readme-example-key", ["no_proxy"] = "127.0.0.1,localhost", ["NO_PROXY"] = "127.0.0.1,localhost" },
        };
        using var bash = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Eventually.DefaultLimit * 3);
        try
        {
            await bash.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            throw new TimeoutException($"The README examples were still running after {Eventually.DefaultLimit * 3}.");
        }
        await stdout;
        return (bash.ExitCode, await stderr);
    }

    private static string Tail(string body) => body.Length <= 400 ? body : "…" + body[^400..];

    /// <summary>Arguments as logged: a base64 image cut to its start.</summary>
    private static string Shorten(string arguments) => LongWord().Replace(arguments, m => m.Value[..40] + "…");

    [GeneratedRegex(@"[A-Za-z0-9+/=]{200,}")]
    private static partial Regex LongWord();

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex(@"```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();

    /// <summary>A curl command at the start of a line (not one in a comment).</summary>
    [GeneratedRegex(@"^curl ", RegexOptions.Multiline)]
    private static partial Regex CurlCall();
}
