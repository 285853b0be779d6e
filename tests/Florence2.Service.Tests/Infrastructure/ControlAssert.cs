namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// The control half of an equality test. "Two ways of sending a request give the same answer" proves that both ways
/// deliver an input only if the model's answer depends on that input; otherwise a path that drops or replaces the input
/// (a constant image, a fixed region or text) passes too. The control sends a request that differs in that input alone
/// and must get a different answer.
/// </summary>
public static class ControlAssert
{
    /// <param name="answer">The answer the equality test compared.</param>
    /// <param name="controlAnswer">The answer to the request with <paramref name="change"/> applied.</param>
    /// <param name="change">What the control changed, for the message ("another image").</param>
    public static void Differs(string? answer, string? controlAnswer, string change) =>
        Assert.False(answer == controlAnswer,
            $"Control failed: {change} gave the same answer, so equal answers would not show that this input reaches the model. " +
            $"Answer: {answer}");
}
