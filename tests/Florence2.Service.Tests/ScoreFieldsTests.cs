using System.Net;
using System.Text.Json.Nodes;
using Florence2.Batching;
using Florence2.Inference;
using Florence2.Service.Runtime;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Florence2.Service.Tests;

/// <summary>
/// <c>min_score</c> and <c>logprobs</c> through the HTTP API, both body formats. The scripted decoder is certain of every
/// token (log-probability 0), so the engine's answers pass through a decorator that makes the door's four loc tokens
/// log-probability ln 0.3: the door's box then scores 0.3 and every other box exactly 1. The sequence score is left as
/// the engine computed it.
/// </summary>
public sealed class ScoreFieldsTests(ScoreFieldsTests.DoubtfulDoorService service) : IClassFixture<ScoreFieldsTests.DoubtfulDoorService>
{
    private const string Script =
        "<s>car<loc_53><loc_333><loc_933><loc_774>door<loc_712><loc_203><loc_906><loc_545>" +
        "wheel<loc_704><loc_576><loc_866><loc_772><loc_149><loc_584><loc_310><loc_773>";

    private static readonly HashSet<string> DoorLocs = new(StringComparer.Ordinal) { "<loc_712>", "<loc_203>", "<loc_906>", "<loc_545>" };

    private static readonly float DoorLogProb = MathF.Log(0.3f);

    [Theory]
    [InlineData(BodyFormat.Multipart)]
    [InlineData(BodyFormat.Json)]
    public async Task Every_box_has_a_score_and_the_sequence_a_score(BodyFormat format)
    {
        var body = await RunAsync(format, minScore: null, logprobs: null);

        ResponseAssert.WellFormed(body, TaskCatalog.ObjectDetection, 640, 480);
        var detections = body["result"]!["detections"]!.AsArray();
        Assert.Equal([1.0, 0.3, 1.0, 1.0], detections.Select(d => Math.Round((double)d!["score"]!, 6)));
        Assert.All(detections, d => Assert.Equal(1.0, (double)d!["label_score"]!));
        Assert.Equal(0, (double)body["sequence_score"]!, 1e-6); // the engine's own: the scripted decoder is certain
        Assert.Null(body["tokens"]);
    }

    [Theory]
    [InlineData(BodyFormat.Multipart)]
    [InlineData(BodyFormat.Json)]
    public async Task Min_score_leaves_less_confident_boxes_out_of_the_result_only(BodyFormat format)
    {
        var body = await RunAsync(format, minScore: 0.5, logprobs: null);

        Assert.Equal(["car", "wheel", "wheel"], body["result"]!["detections"]!.AsArray().Select(d => (string?)d!["label"]));
        Assert.Equal(["car", "door", "wheel", "wheel"], body["hf"]!["<OD>"]!["labels"]!.AsArray().Select(l => (string?)l));
        Assert.Equal("</s>" + Script + "</s>", (string?)body["raw"]);

        var all = await RunAsync(format, minScore: 0.29, logprobs: null);
        Assert.Equal(4, all["result"]!["detections"]!.AsArray().Count);
        var certain = await RunAsync(format, minScore: 1, logprobs: null); // a score equal to the threshold is kept
        Assert.Equal(3, certain["result"]!["detections"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(BodyFormat.Multipart)]
    [InlineData(BodyFormat.Json)]
    public async Task Logprobs_lists_every_generated_token_with_its_text_and_log_probability(BodyFormat format)
    {
        var body = await RunAsync(format, minScore: null, logprobs: true);

        var tokens = body["tokens"]!.AsArray();
        int[] ids = [.. Scripts.Tokenizer.EncodeRaw(Script), 2];
        Assert.Equal(ids, tokens.Select(t => (int)t!["id"]!));
        Assert.Equal(Script + "</s>", string.Concat(tokens.Select(t => (string?)t!["text"])));
        Assert.All(tokens, t => Assert.Equal(DoorLocs.Contains((string)t!["text"]!) ? DoorLogProb : 0f, (float)t!["logprob"]!));

        var without = await RunAsync(format, minScore: null, logprobs: false);
        Assert.Null(without["tokens"]);
    }

    public static TheoryData<BodyFormat, string, object, string> BadValues() => new()
    {
        { BodyFormat.Multipart, "min_score", "1.5", "'min_score' must be between 0 and 1; got 1.5." },
        { BodyFormat.Multipart, "min_score", "-0.1", "'min_score' must be between 0 and 1; got -0.1." },
        { BodyFormat.Multipart, "min_score", "high", "'min_score' must be a number; got 'high'." },
        { BodyFormat.Multipart, "logprobs", "yes", "'logprobs' must be true or false; got 'yes'." },
        { BodyFormat.Json, "min_score", 2, "'min_score' must be between 0 and 1; got 2." },
        { BodyFormat.Json, "min_score", "0.5", "'min_score' must be a number; got a string (\"0.5\"); write 0.5 without quotes." },
        { BodyFormat.Json, "logprobs", "true", "'logprobs' must be true or false; got a string (\"true\"); write true without quotes." },
        { BodyFormat.Json, "logprobs", 1, "'logprobs' must be true or false; got 1." },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Bad_values_are_400s_that_name_the_field(BodyFormat format, string field, object value, string detail)
    {
        var client = await service.ClientAsync();
        byte[] image = TestImages.Png(64, 48);
        HttpContent content = format == BodyFormat.Multipart
            ? TaskRequests.Multipart(image, new Dictionary<string, string> { ["task"] = "od", [field] = (string)value })
            : TaskRequests.Json([image], new Dictionary<string, object?> { ["task"] = "od", [field] = value });

        using var response = await client.PostAsync("/v1/detect", content);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(detail, (string?)problem["detail"]);
    }

    private async Task<JsonObject> RunAsync(BodyFormat format, double? minScore, bool? logprobs)
    {
        var client = await service.ClientAsync();
        var call = TaskCall.For(TaskCatalog.ObjectDetection, TestImages.Png(640, 480)) with
        {
            MaxNewTokens = 96,
            MinScore = minScore,
            Logprobs = logprobs,
        };
        return await call.RunAsync(client, Route.Family, format);
    }

    /// <summary>The scripted OD service whose door box the decorator makes doubtful.</summary>
    public sealed class DoubtfulDoorService : IAsyncLifetime
    {
        private ServiceFactory? _factory;
        private HttpClient? _client;

        public async Task<HttpClient> ClientAsync() => _client ??= await _factory!.CreateReadyClientAsync();

        public Task InitializeAsync()
        {
            _factory = ServiceFactory.Scripted(Script, services: s => s.AddSingleton<IBatchExecutorDecorator>(new DoubtfulDoor()));
            return Task.CompletedTask;
        }

        public async Task DisposeAsync()
        {
            _client?.Dispose();
            if (_factory is not null) await _factory.DisposeAsync();
        }
    }

    /// <summary>Rewrites the log-probability of the door's loc tokens in every completed outcome.</summary>
    private sealed class DoubtfulDoor : IBatchExecutorDecorator
    {
        public IBatchExecutor Decorate(IBatchExecutor inner) => new Executor(inner);

        private sealed class Executor(IBatchExecutor inner) : IBatchExecutor
        {
            public IReadOnlyList<EngineOutcome> RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome>? onFinished,
                CancellationToken cancellationToken) =>
                inner.RunBatch(requests, onFinished is null ? null : (i, outcome) => onFinished(i, Rewrite(outcome)), cancellationToken)
                    .Select(Rewrite).ToArray();

            private static EngineOutcome Rewrite(EngineOutcome outcome)
            {
                if (outcome.Result is not { } result) return outcome;
                var tokens = result.Tokens.Select(t => DoorLocs.Contains(t.Text) ? t with { LogProb = DoorLogProb } : t).ToArray();
                return outcome with { Result = result with { Tokens = tokens } };
            }
        }
    }
}
