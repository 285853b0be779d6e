using Onnx;

namespace Florence2.Fixtures.Onnx;

/// <summary>The ONNX element types the fixture graphs use.</summary>
internal enum ElementType
{
    Float = TensorProto.Types.DataType.Float,
    Int64 = TensorProto.Types.DataType.Int64,
    Bool = TensorProto.Types.DataType.Bool,
}
