using Microsoft.Extensions.Time.Testing;

namespace Florence2.Tests.Batching;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells a test when a timer was armed, so it can advance time knowing the
/// batcher is already waiting (instead of sleeping and hoping).
/// </summary>
internal sealed class ObservedTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _armed = [];
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Signal)> _waiters = [];

    /// <summary>Called before every timestamp read, on the reading thread, so a test can hold that thread there.</summary>
    public Action? BeforeTimestampRead { get; set; }

    public FakeTimeProvider Fake { get; } = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Advance(TimeSpan delta) => Fake.Advance(delta);

    public void AdvanceMs(double milliseconds) => Fake.Advance(TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>Completes once a timer with <paramref name="dueTime"/> has been created (now or earlier).</summary>
    public Task WhenTimerArmed(TimeSpan dueTime)
    {
        lock (_lock)
        {
            if (_armed.Contains(dueTime)) return Task.CompletedTask;
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((dueTime, signal));
            return signal.Task;
        }
    }

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp()
    {
        BeforeTimestampRead?.Invoke();
        return Fake.GetTimestamp();
    }

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        lock (_lock)
        {
            _armed.Add(dueTime);
            foreach (var waiter in _waiters.Where(w => w.DueTime == dueTime)) waiter.Signal.TrySetResult();
            _waiters.RemoveAll(w => w.DueTime == dueTime);
        }
        return timer;
    }
}
