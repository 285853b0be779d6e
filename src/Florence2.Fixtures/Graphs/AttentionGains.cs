namespace Florence2.Fixtures.Graphs;

/// <summary>Weight gains of one attention's q_proj (sharper or flatter attention) and out_proj (a louder or quieter update).</summary>
internal sealed record AttentionGains(float Query, float Output)
{
    public static AttentionGains Unit { get; } = new(1f, 1f);
}
