using Florence2.Generation;
using Florence2.Tasks;

namespace Florence2.Serving;

/// <summary>Pure checks of the fields that need no image: task, text, beams and token budget.</summary>
public static class TaskRequestValidator
{
    /// <summary>
    /// The task a caller names (friendly name or token), or <paramref name="fallback"/> when it names none; when
    /// <paramref name="family"/> is given the task must belong to it.
    /// </summary>
    public static Florence2Task ResolveTask(string? requested, TaskFamily? family, Florence2Task fallback)
    {
        if (string.IsNullOrWhiteSpace(requested)) return fallback;
        if (!TaskCatalog.TryFind(requested.Trim(), out var task))
            throw new InvalidRequestException(RequestFields.Task,
                $"Unknown task '{RequestFields.Quote(requested)}'. Known tasks: {string.Join(", ", TaskCatalog.All.Select(t => t.Name))}.");
        if (family is { } expected && task.Family != expected)
            throw new InvalidRequestException(RequestFields.Task,
                $"Task '{task.Name}' belongs to the {TaskCatalog.FamilyName(task.Family)} family; send it to {TaskCatalog.RouteOf(task.Family)} or /v1/tasks/{task.Name}.");
        return task;
    }

    /// <summary>The generation settings for a request: the model's defaults with the caller's beams and budget, in range.</summary>
    public static GenerationSettings Settings(TaskRequest request, GenerationSettings defaults, RequestLimits limits)
    {
        int beams = request.NumBeams ?? Math.Min(defaults.NumBeams, limits.MaxNumBeams);
        if (beams < 1 || beams > limits.MaxNumBeams)
            throw new InvalidRequestException(RequestFields.NumBeams, $"'num_beams' must be between 1 and {limits.MaxNumBeams}; got {beams}.");
        int budget = request.MaxNewTokens ?? limits.MaxNewTokens;
        if (budget < 1 || budget > limits.MaxNewTokens)
            throw new InvalidRequestException(RequestFields.MaxNewTokens, $"'max_new_tokens' must be between 1 and {limits.MaxNewTokens}; got {budget}.");
        return defaults with { NumBeams = beams, MaxNewTokens = budget };
    }

    /// <summary>Refuses a <c>min_score</c> outside 0–1 (a score is a probability); null is "keep every instance".</summary>
    public static void CheckMinScore(double? minScore)
    {
        if (minScore is { } value && !(value >= 0 && value <= 1))
            throw new InvalidRequestException(RequestFields.MinScore,
                $"'min_score' must be between 0 and 1; got {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}.");
    }

    /// <summary>
    /// The mask format a caller names (<c>polygon</c> when none). <c>polygon</c> is accepted for any task (it changes
    /// nothing), <c>rle</c> and <c>png</c> only for tasks whose answer has polygons.
    /// </summary>
    public static MaskFormat ResolveMaskFormat(string? requested, Florence2Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (string.IsNullOrWhiteSpace(requested)) return MaskFormat.Polygon;
        if (!MaskFormats.TryParse(requested, out var format))
            throw new InvalidRequestException(RequestFields.MaskFormat,
                $"Unknown mask format '{RequestFields.Quote(requested)}'; use {string.Join(", ", MaskFormats.Names)}.");
        if (format != MaskFormat.Polygon && !MaskFormats.AppliesTo(task))
            throw new InvalidRequestException(RequestFields.MaskFormat,
                $"Task '{task.Name}' answers no polygons, so it has no '{MaskFormats.Names[(int)format]}' masks; 'mask_format' applies to " +
                $"{string.Join(", ", TaskCatalog.All.Where(MaskFormats.AppliesTo).Select(t => t.Name))}.");
        return format;
    }

    /// <summary>Refuses text the model can't use: blank, too long, control characters, invalid UTF-16 or UTF-8.</summary>
    public static void CheckText(string? text, RequestLimits limits)
    {
        if (text is null) return;
        // The reference passes blank text through, but a blank phrase only makes the model ramble to its budget.
        if (text.Length > 0 && string.IsNullOrWhiteSpace(text))
            throw new InvalidRequestException(RequestFields.Text, "'text' is blank; give the phrase or caption the task should use.");
        if (text.Length > limits.MaxTextLength)
            throw new InvalidRequestException(RequestFields.Text, $"'text' is {text.Length} characters long; at most {limits.MaxTextLength} are accepted.");
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            // Tabs and line breaks are ordinary text; other control characters are never meaningful to the model.
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
                throw new InvalidRequestException(RequestFields.Text, $"'text' contains the control character U+{(int)c:X4}.");
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
                throw new InvalidRequestException(RequestFields.Text, "'text' contains an unpaired surrogate (invalid UTF-16).");
            // Readers replace invalid UTF-8 with U+FFFD; refusing it beats feeding the model mangled text.
            if (c == '\uFFFD')
                throw new InvalidRequestException(RequestFields.Text, "'text' is not valid UTF-8.");
        }
    }
}
