namespace Florence2.Tasks;

/// <summary>The outcome of <see cref="PromptBuilder.BuildFromRawText"/>.</summary>
/// <param name="Task">The task whose token the raw text held; null when it held none (then post-process as pure text).</param>
/// <param name="Prompt">The text to tokenize.</param>
public sealed record RawPrompt(Florence2Task? Task, string Prompt);
