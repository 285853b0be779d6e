using Google.Protobuf;
using Onnx;

namespace Florence2.Fixtures.Onnx;

/// <summary>Wraps a finished main graph in a ModelProto and writes it to disk.</summary>
internal static class OnnxModelFile
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;

    public static void Write(ModelScope scope, string path)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Florence2.Fixtures",
            ProducerVersion = "1",
            Graph = scope.MainGraph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });

        // Write next to the target and rename, so a crash never leaves a truncated model behind.
        var temporary = path + ".partial";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            model.WriteTo(stream);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
