using Onnx;

namespace Florence2.Fixtures.Onnx;

/// <summary>The ONNX element types the fixture graphs and their quantized variants use.</summary>
internal enum ElementType
{
    Float = TensorProto.Types.DataType.Float,
    Float16 = TensorProto.Types.DataType.Float16,
    Int64 = TensorProto.Types.DataType.Int64,
    Int32 = TensorProto.Types.DataType.Int32,
    Int8 = TensorProto.Types.DataType.Int8,
    UInt8 = TensorProto.Types.DataType.Uint8,
    Bool = TensorProto.Types.DataType.Bool,
}
