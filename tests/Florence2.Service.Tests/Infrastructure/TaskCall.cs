using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Florence2.Tasks;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>How a request reaches a task.</summary>
public enum Route
{
    /// <summary>The family endpoint (<c>/v1/detect</c> …) with the task in the <c>task</c> field.</summary>
    Family,

    /// <summary><c>/v1/tasks/{name}</c>.</summary>
    TaskName,

    /// <summary><c>/v1/tasks/{token}</c>, URL-encoded (<c>%3COD%3E</c>).</summary>
    TaskToken,
}

/// <summary>The body format of a request.</summary>
public enum BodyFormat
{
    Multipart,

    /// <summary>JSON with the region as an array of four numbers.</summary>
    Json,
}

/// <summary>
/// One task request with the inputs its task needs: text for text tasks, a pixel region for region tasks. Builds the
/// URL and body for any <see cref="Route"/> and <see cref="BodyFormat"/>.
/// </summary>
public sealed record TaskCall(Florence2Task Task, IReadOnlyList<byte[]> Images)
{
    public const string DefaultText = "a green car";

    public static readonly double[] DefaultRegion = [10, 20, 200, 150];

    public string? Text { get; init; } = null;

    public double[]? Region { get; init; } = null;

    public int? NumBeams { get; init; } = 1;

    public int? MaxNewTokens { get; init; } = 8;

    /// <summary><c>min_score</c>; not sent when null.</summary>
    public double? MinScore { get; init; }

    /// <summary><c>logprobs</c>; not sent when null.</summary>
    public bool? Logprobs { get; init; }

    /// <summary>A call carrying exactly the input <paramref name="task"/> takes.</summary>
    public static TaskCall For(Florence2Task task, params byte[][] images) => new(task, images)
    {
        Text = task.InputKind == TaskInputKind.Text ? DefaultText : null,
        Region = task.InputKind == TaskInputKind.Region ? DefaultRegion : null,
    };

    public static TaskCall For(string task, params byte[][] images) => For(TaskCatalog.Find(task), images);

    public string Url(Route route) => route switch
    {
        Route.Family => "/v1/" + Task.Family.ToString().ToLowerInvariant(),
        Route.TaskName => "/v1/tasks/" + Task.Name,
        _ => "/v1/tasks/" + Uri.EscapeDataString(Task.Token),
    };

    public HttpContent Body(Route route, BodyFormat format)
    {
        string? task = route == Route.Family ? Task.Name : null;
        if (format == BodyFormat.Multipart)
        {
            var fields = new Dictionary<string, string>();
            if (task is not null) fields["task"] = task;
            if (Text is not null) fields["text"] = Text;
            if (Region is not null) fields["region"] = string.Join(",", Region.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (NumBeams is { } beams) fields["num_beams"] = beams.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (MaxNewTokens is { } budget) fields["max_new_tokens"] = budget.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (MinScore is { } minScore) fields["min_score"] = minScore.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (Logprobs is { } logprobs) fields["logprobs"] = logprobs ? "true" : "false";
            return TaskRequests.Multipart(Images, fields);
        }
        var json = new Dictionary<string, object?>();
        if (task is not null) json["task"] = task;
        if (Text is not null) json["text"] = Text;
        if (Region is not null) json["region"] = Region;
        if (NumBeams is { } n) json["num_beams"] = n;
        if (MaxNewTokens is { } m) json["max_new_tokens"] = m;
        if (MinScore is { } s) json["min_score"] = s;
        if (Logprobs is { } l) json["logprobs"] = l;
        return TaskRequests.Json(Images, json);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpClient client, Route route = Route.Family, BodyFormat format = BodyFormat.Multipart,
        CancellationToken cancellationToken = default) =>
        await client.PostAsync(Url(route), Body(route, format), cancellationToken);

    /// <summary>Sends and returns the 200 body (fails with the problem text otherwise).</summary>
    public async Task<JsonObject> RunAsync(HttpClient client, Route route = Route.Family, BodyFormat format = BodyFormat.Multipart)
    {
        using var response = await SendAsync(client, route, format);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{Task.Name} via {route}/{format}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
