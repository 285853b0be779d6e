namespace Florence2.Tasks;

/// <summary>What a task needs besides the image.</summary>
public enum TaskInputKind
{
    /// <summary>The prompt is fixed; the task token must be the whole text (spec §6.1, first table).</summary>
    None,

    /// <summary>Free text (a caption, a phrase, a referring expression) substituted for <c>{input}</c>.</summary>
    Text,

    /// <summary>A region as four <c>&lt;loc_N&gt;</c> tokens substituted for <c>{input}</c> (spec §6.3).</summary>
    Region,
}
