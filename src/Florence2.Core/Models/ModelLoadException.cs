namespace Florence2.Models;

/// <summary>A model folder is missing a file or its files disagree; the message names the file and what was expected.</summary>
public sealed class ModelLoadException(string message, string? path = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The file or folder at fault, when there is one.</summary>
    public string? Path { get; } = path;
}
