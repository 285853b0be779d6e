using Florence2.Generation;
using Florence2.Service.Api.Problems;
using Florence2.Service.Api;
using Florence2.Service.Api.Reading;
using Florence2.Service.Configuration;
using Florence2.Tasks;

namespace Florence2.Service.Inference;

/// <summary>Checks the fields of a call that don't need the image: task family, text, beams, token budget.</summary>
internal static class CallValidator
{
    public static Florence2Task ResolveTask(string? requested, TaskFamily? family, Florence2Task fallback)
    {
        if (string.IsNullOrWhiteSpace(requested)) return fallback;
        if (!TaskCatalog.TryFind(requested.Trim(), out var task) || task is null)
            throw ApiProblemException.Validation("task",
                $"Unknown task '{InferenceRequestReader.Truncate(requested)}'. Known tasks: {string.Join(", ", TaskCatalog.All.Select(t => t.Name))}.");
        if (family is { } expected && task.Family != expected)
            throw ApiProblemException.Validation("task",
                $"Task '{task.Name}' belongs to the {TaskEndpoints.FamilyName(task.Family)} family; send it to {TaskEndpoints.RouteOf(task.Family)} or /v1/tasks/{task.Name}.");
        return task;
    }

    public static GenerationSettings Settings(InferenceCall call, GenerationSettings defaults, LimitsOptions limits)
    {
        int beams = call.NumBeams ?? Math.Min(defaults.NumBeams, limits.MaxNumBeams);
        if (beams < 1 || beams > limits.MaxNumBeams)
            throw ApiProblemException.Validation("num_beams", $"'num_beams' must be between 1 and {limits.MaxNumBeams}; got {beams}.");
        int budget = call.MaxNewTokens ?? limits.MaxNewTokens;
        if (budget < 1 || budget > limits.MaxNewTokens)
            throw ApiProblemException.Validation("max_new_tokens", $"'max_new_tokens' must be between 1 and {limits.MaxNewTokens}; got {budget}.");
        return defaults with { NumBeams = beams, MaxNewTokens = budget };
    }

    public static void CheckText(string? text, LimitsOptions limits)
    {
        if (text is null) return;
        // The reference passes blank text through, but a blank phrase only makes the model ramble to its budget.
        if (text.Length > 0 && string.IsNullOrWhiteSpace(text))
            throw ApiProblemException.Validation("text", "'text' is blank; give the phrase or caption the task should use.");
        if (text.Length > limits.MaxTextLength)
            throw ApiProblemException.Validation("text", $"'text' is {text.Length} characters long; at most {limits.MaxTextLength} are accepted.");
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            // Tabs and line breaks are ordinary text; other control characters are never meaningful to the model.
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
                throw ApiProblemException.Validation("text", $"'text' contains the control character U+{(int)c:X4}.");
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
                throw ApiProblemException.Validation("text", "'text' contains an unpaired surrogate (invalid UTF-16).");
            // Readers replace invalid UTF-8 with U+FFFD; refusing it beats feeding the model mangled text.
            if (c == '\uFFFD')
                throw ApiProblemException.Validation("text", "'text' is not valid UTF-8.");
        }
    }

    public static void CheckImageCount(InferenceCall call)
    {
        if (call.Images.Count == 0)
            throw ApiProblemException.Validation("image",
                "No image was sent: add an 'image' file part (multipart/form-data) or an 'image' base64 field (application/json).");
    }
}
