using Florence2.Tests.Provisioning;
using Florence2.Inference;
using Microsoft.Extensions.Logging;

namespace Florence2.Tests.Models;

public sealed class ExecutionProviderTests
{
    [Fact]
    public void Cpu_is_used_when_configured()
    {
        var selector = new ExecutionProviderSelector(new InferenceOptions { Provider = ExecutionProviderKind.Cpu }, new CapturingLogger());
        using var options = selector.CreateSessionOptions();
        Assert.Equal(ExecutionProviderKind.Cpu, selector.Choice.Kind);
        Assert.Equal("cpu", selector.Choice.Name);
    }

    [Fact]
    public void Auto_uses_cuda_when_it_loads_and_otherwise_falls_back_to_cpu_saying_why()
    {
        var logger = new CapturingLogger();
        var selector = new ExecutionProviderSelector(new InferenceOptions { Provider = ExecutionProviderKind.Auto }, logger);
        using var options = selector.CreateSessionOptions();
        if (selector.Choice.Kind == ExecutionProviderKind.Cuda)
        {
            Assert.Contains(logger.Lines.Select(l => l.Message), m => m.Contains("CUDA", StringComparison.Ordinal));
        }
        else
        {
            // No CUDA 13 / cuDNN 9 here: the fallback must be logged with ONNX Runtime's reason.
            Assert.StartsWith("CUDA unavailable", selector.Choice.Reason);
            Assert.Contains(logger.Lines.Select(l => l.Message), m => m.StartsWith("Execution provider: CPU (auto)", StringComparison.Ordinal) && m.Length > 60);
        }
    }

    [Fact]
    public void Required_cuda_fails_clearly_when_it_cannot_load()
    {
        var selector = new ExecutionProviderSelector(new InferenceOptions { Provider = ExecutionProviderKind.Cuda }, new CapturingLogger());
        try
        {
            using var options = selector.CreateSessionOptions();
            Assert.Equal(ExecutionProviderKind.Cuda, selector.Choice.Kind); // a machine with CUDA: it loaded
        }
        catch (InvalidOperationException ex)
        {
            Assert.Contains("Provider 'cuda' was required", ex.Message);
            Assert.Contains("cuDNN 9", ex.Message);
        }
    }
}
