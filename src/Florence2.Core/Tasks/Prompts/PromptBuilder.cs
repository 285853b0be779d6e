namespace Florence2.Tasks;

/// <summary>
/// Builds the prompt string sent to the tokenizer (spec §6.2), with Microsoft's processor's semantics: the input replaces
/// <c>{input}</c> verbatim, never trimmed. The token-length limit is checked by the caller, which owns the tokenizer.
/// </summary>
public static class PromptBuilder
{
    /// <summary>
    /// The prompt for a task and its input. Text counts as given when it is non-empty (whitespace-only text is given and
    /// kept as is, like the reference).
    /// </summary>
    /// <param name="task">The task.</param>
    /// <param name="text">User text, for <see cref="TaskInputKind.Text"/> tasks only.</param>
    /// <param name="region">A region in bins, for <see cref="TaskInputKind.Region"/> tasks only (see <see cref="RegionParser"/>).</param>
    /// <exception cref="PromptValidationException">The inputs do not fit the task.</exception>
    public static string Build(Florence2Task task, string? text = null, LocationBins? region = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        Validate(task, text, region);
        return task.InputKind switch
        {
            TaskInputKind.Text => Substitute(task, text!),
            TaskInputKind.Region => Substitute(task, region!.Value.ToLocTokens()),
            _ => task.PromptTemplate,
        };
    }

    /// <summary>
    /// MS-PROC <c>_construct_prompts</c> on one raw string such as <c>&lt;OD&gt;</c> or
    /// <c>&lt;CAPTION_TO_PHRASE_GROUNDING&gt;A green car</c>, for callers copying Python examples:
    /// <list type="number">
    /// <item>if a no-input task token occurs anywhere, the text must be exactly that token; it becomes the task's prompt;</item>
    /// <item>else the first with-input token (table order) that occurs is removed everywhere from the text and the rest
    /// fills the template, untrimmed — <c>"&lt;OPEN_VOCABULARY_DETECTION&gt; cat"</c> gives <c>"Locate  cat in the image."</c>
    /// with two spaces;</item>
    /// <item>else the text is the prompt unchanged and the task is null.</item>
    /// </list>
    /// </summary>
    /// <exception cref="PromptValidationException">A no-input token appears together with other text (field <c>text</c>).</exception>
    public static RawPrompt BuildFromRawText(string rawText)
    {
        ArgumentNullException.ThrowIfNull(rawText);
        foreach (Florence2Task task in TaskCatalog.All.Where(t => !t.TakesInput))
        {
            if (rawText.Contains(task.Token, StringComparison.Ordinal))
            {
                return rawText == task.Token
                    ? new RawPrompt(task, task.PromptTemplate)
                    : throw new PromptValidationException(
                        PromptValidationException.TextField,
                        $"Task token {task.Token} should be the only token in the text.");
            }
        }

        foreach (Florence2Task task in TaskCatalog.All.Where(t => t.TakesInput))
        {
            if (rawText.Contains(task.Token, StringComparison.Ordinal))
            {
                return new RawPrompt(task, Substitute(task, rawText.Replace(task.Token, string.Empty, StringComparison.Ordinal)));
            }
        }

        return new RawPrompt(null, rawText);
    }

    // Python's str.format inserts the argument literally; braces inside the input are not re-interpreted.
    private static string Substitute(Florence2Task task, string input) =>
        task.PromptTemplate.Replace(Florence2Task.InputPlaceholder, input, StringComparison.Ordinal);

    private static void Validate(Florence2Task task, string? text, LocationBins? region)
    {
        bool hasText = !string.IsNullOrEmpty(text);
        bool hasRegion = region.HasValue;
        string name = task.Name;

        if (hasText && hasRegion)
        {
            // Name the field the task does not take, so the caller knows which one to drop.
            string extra = task.InputKind == TaskInputKind.Region ? PromptValidationException.TextField : PromptValidationException.RegionField;
            throw new PromptValidationException(extra, $"Give either text or a region, not both; task '{name}' {Takes(task)}.");
        }

        // Inputs the task does not take are reported before inputs it misses: that is the more useful message.
        bool takesText = task.InputKind == TaskInputKind.Text;
        bool takesRegion = task.InputKind == TaskInputKind.Region;
        if (hasText && !takesText)
        {
            throw new PromptValidationException(PromptValidationException.TextField, $"Task '{name}' takes no text; it {Takes(task)}.");
        }

        if (hasRegion && !takesRegion)
        {
            throw new PromptValidationException(PromptValidationException.RegionField, $"Task '{name}' takes no region; it {Takes(task)}.");
        }

        if (takesText && !hasText)
        {
            throw new PromptValidationException(PromptValidationException.TextField, $"Task '{name}' needs a non-empty text input.");
        }

        if (takesRegion && !hasRegion)
        {
            throw new PromptValidationException(PromptValidationException.RegionField, $"Task '{name}' needs a region.");
        }
    }

    private static string Takes(Florence2Task task) => task.InputKind switch
    {
        TaskInputKind.Text => "takes text",
        TaskInputKind.Region => "takes a region",
        _ => "takes no input besides the image",
    };
}
