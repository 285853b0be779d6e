namespace Florence2.Inference.ContinuousDecoding;

/// <summary>
/// A decoder graph does not have the structure the continuous-batching rewrite needs; the message is one sentence
/// naming what was not found (it becomes <see cref="ModelSessions.ContinuousDecodingUnavailable"/>).
/// </summary>
/// <remarks>Thrown deep inside the pattern searches and caught only by <see cref="ContinuousDecoderRewrite.TryRewrite"/>.</remarks>
internal sealed class RewriteRefusedException(string reason) : Exception(reason);
