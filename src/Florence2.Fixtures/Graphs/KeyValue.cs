namespace Florence2.Fixtures.Graphs;

/// <summary>Attention keys and values, both [batch, heads, length, head_dim].</summary>
internal readonly record struct KeyValue(string Key, string Value);
