using Microsoft.Extensions.Options;

namespace Florence2.Service.Runtime;

/// <summary>
/// Runs the host until shutdown and turns a failed start into one line and exit code 1: invalid configuration names
/// its key, a model that could not be loaded has already said why (<see cref="ModelLifecycle"/>), and anything else
/// is reported by its message. Never a stack trace or "Unhandled exception": an operator reads these lines.
/// </summary>
public static class ServiceRun
{
    public static int RunUntilShutdown(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Florence2.Service");
        var runtime = app.Services.GetRequiredService<ModelRuntime>();
        // In-memory test hosts (WebApplicationFactory) run this entry point too and expect a failed start to surface
        // as the exception itself; only the real process turns it into a line and an exit code.
        bool realProcess = app.Services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.GetType().FullName
            != "Microsoft.AspNetCore.TestHost.TestServer";
        try
        {
            app.Run();
            return Environment.ExitCode;
        }
        catch (Exception) when (!realProcess)
        {
            throw;
        }
        catch (OptionsValidationException invalid)
        {
            return Fail(logger, "Invalid configuration: " + string.Join(" ", invalid.Failures));
        }
        catch (OperationCanceledException) when (runtime.State == ModelState.Failed)
        {
            return 1;   // the start was cut short by the failed load, which logged the reason
        }
        catch (Exception failure) when (failure is IOException or InvalidOperationException or UnauthorizedAccessException
            or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return Fail(logger, "The service could not start: " + failure.Message);
        }
    }

    private static int Fail(ILogger logger, string line)
    {
        // The host may have disposed the logging pipeline while failing; the console is always there.
        try
        {
            logger.LogCritical("{Reason}", line);
        }
        catch (ObjectDisposedException)
        {
            Console.Error.WriteLine(line);
        }
        return 1;
    }
}
