using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Florence2.Tests.Fixtures;

/// <summary>Named ORT input values that are disposed together.</summary>
public sealed class OrtInputs : IDisposable
{
    private readonly Dictionary<string, OrtValue> _values = new();

    public IReadOnlyDictionary<string, OrtValue> Values => _values;

    public OrtInputs Float(string name, FloatTensor tensor) =>
        Add(name, OrtValue.CreateTensorValueFromMemory(tensor.Data, tensor.Shape));

    public OrtInputs Int64(string name, long[] data, params long[] shape) =>
        Add(name, OrtValue.CreateTensorValueFromMemory(data, shape));

    public OrtInputs Bool(string name, bool value) =>
        Add(name, OrtValue.CreateTensorValueFromMemory(new[] { value }, [1]));

    /// <summary>A float tensor with a zero-sized dimension (empty past), allocated by ORT.</summary>
    public OrtInputs EmptyFloat(string name, params long[] shape) =>
        Add(name, OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, shape));

    private OrtInputs Add(string name, OrtValue value)
    {
        _values.Add(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var value in _values.Values) value.Dispose();
    }
}
