namespace Florence2.Fixtures.Onnx;

/// <summary>One dimension of a declared graph input/output: a fixed size or a symbolic name.</summary>
internal readonly record struct Dim(long? Value, string? Symbol)
{
    public static implicit operator Dim(int value) => new(value, null);
    public static implicit operator Dim(string symbol) => new(null, symbol);
}
