using System.Diagnostics;

namespace Florence2.Tests;

/// <summary>
/// The one poll loop of the test suites: asks until an answer satisfies the condition, or fails after a limit that
/// is a hang detector, not a speed requirement (generous, so a slow or busy machine never trips it).
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Calls <paramref name="probe"/> until <paramref name="done"/> holds for its answer and returns that answer; after
    /// <paramref name="limit"/> throws with <paramref name="what"/> and <paramref name="describe"/> of the last answer.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what,
        Func<T, string>? describe = null, TimeSpan? limit = null, TimeSpan? period = null)
    {
        var clock = Stopwatch.StartNew();
        var max = limit ?? DefaultLimit;
        while (true)
        {
            T answer = await probe().ConfigureAwait(false);
            if (done(answer)) return answer;
            if (clock.Elapsed > max)
                throw new TimeoutException($"Never saw {what} within {max.TotalSeconds:F0} s." +
                    (describe is null ? "" : " Last answer:\n" + describe(answer)));
            await Task.Delay(period ?? DefaultPeriod).ConfigureAwait(false);
        }
    }

    /// <summary><see cref="UntilAsync{T}"/> for a plain condition.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? limit = null) =>
        UntilAsync(() => Task.FromResult(condition()), holds => holds, what, limit: limit);
}
