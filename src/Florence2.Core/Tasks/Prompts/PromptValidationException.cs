namespace Florence2.Tasks;

/// <summary>
/// A user input does not fit the chosen task. The message is meant for the API caller; <see cref="Field"/> names the
/// offending request field.
/// </summary>
public sealed class PromptValidationException : Exception
{
    /// <summary>The request field for text input.</summary>
    public const string TextField = "text";

    /// <summary>The request field for region input.</summary>
    public const string RegionField = "region";

    public PromptValidationException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    /// <summary><see cref="TextField"/> or <see cref="RegionField"/>.</summary>
    public string Field { get; }
}
