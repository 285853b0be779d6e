namespace Florence2.Tests;

/// <summary>What a component still references: weakly tracked objects checked after a full, blocking collection.</summary>
public static class Reachability
{
    /// <summary>Collects everything unreachable, finalizers included (and what they release).</summary>
    public static void CollectFully()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>The keys of <paramref name="tracked"/> whose objects survive <see cref="CollectFully"/>.</summary>
    public static TKey[] StillAlive<TKey>(IEnumerable<KeyValuePair<TKey, WeakReference>> tracked)
    {
        CollectFully();
        return [.. tracked.Where(p => p.Value.IsAlive).Select(p => p.Key)];
    }
}
