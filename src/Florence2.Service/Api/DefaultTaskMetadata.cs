using Florence2.Tasks;

namespace Florence2.Service.Api;

/// <summary>
/// Endpoint metadata naming the task a family endpoint runs when the request names none, so the document's examples
/// and defaults come from the endpoint itself rather than from a second copy of that choice.
/// </summary>
public sealed record DefaultTaskMetadata(Florence2Task Task);
