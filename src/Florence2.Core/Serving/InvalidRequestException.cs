namespace Florence2.Serving;

/// <summary>
/// A request field the model can't work with. The message is written for the caller; <see cref="Field"/> names the
/// field in the API's snake_case (<c>task</c>, <c>text</c>, <c>region</c>, <c>num_beams</c>, <c>max_new_tokens</c>,
/// <c>image</c>).
/// </summary>
public sealed class InvalidRequestException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;

    /// <summary>Which of several requests on one image (<see cref="Florence2Model.PrepareAll"/>) it is; null for a lone request.</summary>
    public int? RequestIndex { get; init; }
}
