using Florence2.Batching;
using Florence2.Inference;
using Microsoft.Extensions.Time.Testing;

namespace Florence2.Tests.Batching;

/// <summary>
/// The finish-first rule on its own: joining is held back while a live request would finish sooner than one joiner's
/// prefill lasts, and never for longer than one prefill's time.
/// </summary>
public sealed class JoinDeferralTests
{
    /// <summary>Two rows; the nearest finishes in 3 steps of 10 ms; a prefill costs 100 ms a request.</summary>
    private static readonly JoinMoment Close = new(RowsInUse: 2, StepsToSoonestFinish: 3, StepMs: 10, PrefillMsPerRequest: 100);

    [Theory]
    [InlineData(9, false)]    // 90 ms to go, sooner than a 100 ms prefill: it finishes first
    [InlineData(10, true)]    // 100 ms: no sooner than the prefill
    [InlineData(50, true)]
    public void Joiners_are_held_back_only_while_a_live_request_finishes_sooner_than_a_prefill(int stepsToSoonestFinish, bool joinsNow)
    {
        var deferral = new JoinDeferral(new FakeTimeProvider());
        Assert.Equal(!joinsNow, deferral.HoldBack(Close with { StepsToSoonestFinish = stepsToSoonestFinish }));
    }

    [Fact]
    public void Nothing_is_held_back_while_a_cost_is_unknown_or_no_request_is_live()
    {
        var deferral = new JoinDeferral(new FakeTimeProvider());
        Assert.False(deferral.HoldBack(Close with { StepMs = 0 }));               // before the batch's first step
        Assert.False(deferral.HoldBack(Close with { PrefillMsPerRequest = 0 }));  // before any prefill
        Assert.False(deferral.HoldBack(Close with { StepsToSoonestFinish = 0 }));
        Assert.False(deferral.HoldBack(JoinMoment.Rows(0)));                     // an idle batch takes joiners at once
        Assert.True(deferral.HoldBack(Close));
    }

    [Fact]
    public void Joiners_wait_at_most_one_prefill_then_join_at_every_step_until_some_do()
    {
        var clock = new FakeTimeProvider();
        var deferral = new JoinDeferral(clock);
        Assert.True(deferral.HoldBack(Close));
        clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.True(deferral.HoldBack(Close with { StepsToSoonestFinish = 1 }));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        // Another request now close to its end would hold them back again; one prefill's time has passed, so it does not.
        Assert.False(deferral.HoldBack(Close));
        clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.False(deferral.HoldBack(Close));

        deferral.Joined(); // a new stretch: holding back may start again
        Assert.True(deferral.HoldBack(Close));
    }

    [Fact]
    public void A_stretch_ends_when_no_live_request_is_close_to_finishing()
    {
        var clock = new FakeTimeProvider();
        var deferral = new JoinDeferral(clock);
        Assert.True(deferral.HoldBack(Close));
        clock.Advance(TimeSpan.FromMilliseconds(80));
        Assert.False(deferral.HoldBack(Close with { StepsToSoonestFinish = 40 })); // it finished; the rest are far from done
        Assert.True(deferral.HoldBack(Close));                                   // a fresh stretch, a full prefill's time again
        clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.True(deferral.HoldBack(Close));
    }
}
