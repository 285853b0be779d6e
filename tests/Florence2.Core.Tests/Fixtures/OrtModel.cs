using Microsoft.ML.OnnxRuntime;

namespace Florence2.Tests.Fixtures;

/// <summary>An ONNX Runtime CPU session with a test-friendly Run: named inputs in, every output copied out.</summary>
public sealed class OrtModel : IDisposable
{
    public OrtModel(string path)
    {
        using var options = Options();
        Session = new InferenceSession(path, options);
    }

    /// <summary>A model held in memory (e.g. one rewritten by the engine), serialized ONNX bytes.</summary>
    public OrtModel(byte[] model)
    {
        using var options = Options();
        Session = new InferenceSession(model, options);
    }

    private static SessionOptions Options() =>
        new() { IntraOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };

    public InferenceSession Session { get; }

    public IReadOnlyDictionary<string, FloatTensor> Run(OrtInputs inputs) => Run(Session, inputs);

    /// <summary>Runs any session (e.g. one the engine opened) with float outputs.</summary>
    public static IReadOnlyDictionary<string, FloatTensor> Run(InferenceSession session, OrtInputs inputs)
    {
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, inputs.Values, session.OutputNames);
        var outputs = new Dictionary<string, FloatTensor>();
        for (var i = 0; i < results.Count; i++)
        {
            var shape = results[i].GetTensorTypeAndShape().Shape;
            outputs[session.OutputNames[i]] = new FloatTensor(results[i].GetTensorDataAsSpan<float>().ToArray(), shape);
        }
        return outputs;
    }

    public void Dispose() => Session.Dispose();
}
