namespace Florence2.Tasks;

/// <summary>
/// One of the 15 Florence-2 tasks (spec §6.1). Immutable catalog entry; obtain instances from <see cref="TaskCatalog"/>.
/// </summary>
/// <param name="Token">The task token as the Python processor knows it, e.g. <c>&lt;OD&gt;</c>; also the key of the HF result dictionary.</param>
/// <param name="Name">Friendly snake_case name used by the REST API, e.g. <c>od</c>, <c>phrase_grounding</c>.</param>
/// <param name="PromptTemplate">
/// The prompt sent to the tokenizer. For <see cref="TaskInputKind.None"/> tasks this is the prompt itself; otherwise it contains
/// exactly one <c>{input}</c> placeholder.
/// </param>
/// <param name="InputKind">What the task needs besides the image.</param>
/// <param name="PostProcessing">How the generated text is parsed.</param>
/// <param name="Family">Coarse grouping.</param>
/// <param name="Description">One-line human description (used in the API documentation).</param>
public sealed record Florence2Task(
    string Token,
    string Name,
    string PromptTemplate,
    TaskInputKind InputKind,
    PostProcessingType PostProcessing,
    TaskFamily Family,
    string Description)
{
    /// <summary>The placeholder that <see cref="PromptTemplate"/> holds when the task takes an input.</summary>
    public const string InputPlaceholder = "{input}";

    /// <summary>True when the task takes text or a region.</summary>
    public bool TakesInput => InputKind != TaskInputKind.None;

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Token}";
}
