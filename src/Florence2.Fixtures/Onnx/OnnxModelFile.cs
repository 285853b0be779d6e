using Google.Protobuf;
using Onnx;

namespace Florence2.Fixtures.Onnx;

/// <summary>Wraps a finished main graph in a ModelProto and writes it to disk.</summary>
internal static class OnnxModelFile
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;

    /// <summary>Domain of ONNX Runtime's contrib operators (MatMulNBits, MatMulBnb4).</summary>
    public const string MicrosoftDomain = "com.microsoft";

    public static ModelProto Create(ModelScope scope)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Florence2.Fixtures",
            ProducerVersion = "1",
            Graph = scope.MainGraph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return model;
    }

    /// <summary>Declares the com.microsoft domain once (version 1, the only one ONNX Runtime has).</summary>
    public static void ImportMicrosoftDomain(ModelProto model)
    {
        if (model.OpsetImport.All(o => o.Domain != MicrosoftDomain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
    }

    public static void Write(ModelProto model, string path)
    {
        // Write next to the target and rename, so a crash never leaves a truncated model behind.
        var temporary = path + ".partial";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            model.WriteTo(stream);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
